package io.accrue.common.http;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Publishes in every service's OpenAPI the maximum length of each string a client can send that has no
 * {@code @Size} of its own, as the limit that really refuses it (docs/api-limits.md):
 * <ul>
 * <li>path and query parameters: {@code accrue.http.max-parameter-length}, checked by {@link HttpEdge} (400
 * {@code value_too_long});</li>
 * <li>header parameters: {@code accrue.http.max-header-bytes}, the total {@link HttpEdge} allows (431
 * {@code headers_too_large});</li>
 * <li>a raw string body (a Stripe webhook): {@code quarkus.http.limits.max-body-size} (413
 * {@code payload_too_large});</li>
 * <li>enumerations: their longest value; formatted strings (UUID, date, date-time, duration): the longest text of
 * that format the parser accepts. Anything longer cannot bind and is refused as 400 {@code invalid_value}.</li>
 * </ul>
 * A string with neither gets no maximum here: it fails {@code AbstractOpenApiFuzzTest}, so a new field must carry an
 * explicit {@code @Size}.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class PublishedLimits implements OASFilter {

    /** Longest ISO-8601 instant or offset date-time: nanoseconds and a {@code +hh:mm:ss} offset. */
    static final int DATE_TIME = 64;
    static final int DATE = 10;
    static final int UUID = 36;
    /** {@code java.time.Duration} text ({@code PT…}, {@code P…D}); longer cannot be a duration the suite accepts. */
    static final int DURATION = 64;

    private static final Map<String, Integer> FORMATS = Map.of("date-time", DATE_TIME, "date", DATE, "uuid", UUID,
            "duration", DURATION);

    @Override
    public Parameter filterParameter(Parameter parameter) {
        Schema schema = parameter.getSchema();
        if (schema != null && isString(schema) && schema.getMaxLength() == null) {
            boundByShape(schema);
            if (schema.getMaxLength() == null) {
                schema.setMaxLength(parameter.getIn() == Parameter.In.HEADER
                        ? config("accrue.http.max-header-bytes", 16384)
                        : config("accrue.http.max-parameter-length", HttpEdgeConfig.MAX_PARAMETER_LENGTH));
            }
        }
        return parameter;
    }

    @Override
    public RequestBody filterRequestBody(RequestBody body) {
        if (body.getContent() != null && body.getContent().getMediaTypes() != null) {
            for (MediaType media : body.getContent().getMediaTypes().values()) {
                Schema schema = media.getSchema();
                if (schema != null && schema.getRef() == null && isString(schema) && schema.getMaxLength() == null
                        && schema.getEnumeration() == null && schema.getFormat() == null) {
                    schema.setMaxLength((int) Math.min(Integer.MAX_VALUE, maxBody()));
                }
            }
        }
        return body;
    }

    @Override
    public Schema filterSchema(Schema schema) {
        if (isString(schema) && schema.getMaxLength() == null) {
            boundByShape(schema);
        }
        return schema;
    }

    private static void boundByShape(Schema schema) {
        List<Object> values = schema.getEnumeration();
        if (values != null && !values.isEmpty()) {
            schema.setMaxLength(values.stream().mapToInt(v -> String.valueOf(v).length()).max().orElse(0));
        } else if (schema.getFormat() != null && FORMATS.containsKey(schema.getFormat())) {
            schema.setMaxLength(FORMATS.get(schema.getFormat()));
        }
    }

    private static boolean isString(Schema schema) {
        return schema.getType() != null && schema.getType().contains(Schema.SchemaType.STRING);
    }

    private static int config(String key, int fallback) {
        return ConfigProvider.getConfig().getOptionalValue(key, Integer.class).orElse(fallback);
    }

    private static long maxBody() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10240L * 1024);
    }
}
