package io.accrue.invoice.client;

import jakarta.ws.rs.ext.ContextResolver;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON rules for reading neighbours: servers are strict, clients tolerant (docs/internal-apis.md). A field a
 * neighbour adds or omits must not break a billing run; amounts still read as BigDecimal, never as doubles.
 */
public class ClientJson implements ContextResolver<ObjectMapper> {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static {
        MAPPER.configOverride(java.math.BigDecimal.class)
                .setFormat(com.fasterxml.jackson.annotation.JsonFormat.Value
                        .forShape(com.fasterxml.jackson.annotation.JsonFormat.Shape.STRING));
    }

    /** The {@code code} of a neighbour's problem+json answer, or null when it has none (or it cannot be read). */
    static String problemCode(jakarta.ws.rs.WebApplicationException e) {
        try {
            String body = e.getResponse().readEntity(String.class);
            if (body == null || body.isBlank()) {
                return null;
            }
            var code = MAPPER.readTree(body).get("code");
            return code == null || !code.isTextual() ? null : code.asText();
        } catch (RuntimeException | java.io.IOException unreadable) {
            return null;
        }
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return MAPPER;
    }
}
