package io.accrue.console.format;

import java.math.BigDecimal;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.qute.CompletedStage;
import io.quarkus.qute.EngineConfiguration;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.ValueResolver;

/**
 * Lets templates read service answers directly: {@code {invoice.number}} on a JSON object gives the field, scalar
 * fields come out as plain Java values (so {@code {#if page.hasMore}} and string comparisons work), arrays are
 * iterable. The console owns no copy of the services' records, so a field a service adds never breaks a page.
 */
@EngineConfiguration
public class JsonNodeResolver implements ValueResolver {

    @Override
    public int getPriority() { return 10; }

    @Override
    public boolean appliesTo(EvalContext context) {
        return context.getBase() instanceof JsonNode;
    }

    @Override
    public CompletionStage<Object> resolve(EvalContext context) {
        JsonNode node = (JsonNode) context.getBase();
        String name = context.getName();
        if (node.isArray()) {
            return switch (name) {
                case "size" -> CompletedStage.of(node.size());
                case "isEmpty", "empty" -> CompletedStage.of(node.isEmpty());
                case "first" -> CompletedStage.of(node.isEmpty() ? null : value(node.get(0)));
                case "last" -> CompletedStage.of(node.isEmpty() ? null : value(node.get(node.size() - 1)));
                default -> CompletedStage.of(null);
            };
        }
        if ("present".equals(name)) {
            return CompletedStage.of(!node.isMissingNode() && !node.isNull());
        }
        return CompletedStage.of(value(node.get(name)));
    }

    static Object value(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return new BigDecimal(node.asText());
        }
        return node;
    }
}
