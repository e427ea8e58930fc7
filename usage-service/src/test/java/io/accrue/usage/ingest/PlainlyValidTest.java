package io.accrue.usage.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.ContainerElementTypeDescriptor;

import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PlainlyValid} must say "valid" exactly when Hibernate Validator finds no violation. */
class PlainlyValidTest {

    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private static final UsageEventRequest OK = new UsageEventRequest("e-1", "u-1", "gpt-4o", "openai", 1200L, 300L,
            200L, Instant.parse("2026-03-15T09:00:00Z"), "s-1", 2, Map.of("image", 3L), Map.of("route", "chat"), null);

    /** The constraints PlainlyValid writes out; a change here must be a change there too. */
    @Test
    void theConstraintsAreTheOnesPlainlyValidChecks() {
        var bean = VALIDATOR.getConstraintsForClass(UsageEventRequest.class);
        TreeSet<String> found = new TreeSet<>();
        for (var property : bean.getConstrainedProperties()) {
            property.getConstraintDescriptors()
                    .forEach(d -> found.add(property.getPropertyName() + " " + describe(d)));
            for (ContainerElementTypeDescriptor element : property.getConstrainedContainerElementTypes()) {
                element.getConstraintDescriptors().forEach(d -> found.add(property.getPropertyName() + "<"
                        + element.getTypeArgumentIndex() + "> " + describe(d)));
            }
        }
        assertEquals(
                """
                        agentSessionId Size(max=128, min=0)
                        audioInputTokens Max(value=100000000)
                        audioInputTokens Min(value=0)
                        audioOutputTokens Max(value=100000000)
                        audioOutputTokens Min(value=0)
                        cacheWrite1hTokens Max(value=100000000)
                        cacheWrite1hTokens Min(value=0)
                        cacheWriteTokens Max(value=100000000)
                        cacheWriteTokens Min(value=0)
                        cachedTokens Max(value=100000000)
                        cachedTokens Min(value=0)
                        endUserId NotBlank
                        endUserId Size(max=128, min=0)
                        eventId NotBlank
                        eventId Size(max=128, min=0)
                        imageInputTokens Max(value=100000000)
                        imageInputTokens Min(value=0)
                        imageOutputTokens Max(value=100000000)
                        imageOutputTokens Min(value=0)
                        inputTokens Max(value=100000000)
                        inputTokens Min(value=0)
                        metadata Size(max=16, min=0)
                        metadata<0> Pattern(flags=[], regexp=(?!(prompt|completion|messages?|content|text|input|output|response|system|instructions?)$)[a-z][a-z0-9_]{0,63})
                        metadata<1> NotNull
                        metadata<1> Pattern(flags=[], regexp=[A-Za-z0-9._:/@+=-]{1,128})
                        model NotBlank
                        model Size(max=128, min=0)
                        occurredAt NotNull
                        outputTokens Max(value=100000000)
                        outputTokens Min(value=0)
                        provider Size(max=64, min=0)
                        reasoningTokens Max(value=100000000)
                        reasoningTokens Min(value=0)
                        serviceTier Size(max=32, min=0)
                        toolCalls Max(value=10000)
                        toolCalls Min(value=0)
                        units Size(max=10, min=0)
                        units<0> Pattern(flags=[], regexp=[a-z][a-z0-9_]*)
                        units<1> Max(value=1000000)
                        units<1> Min(value=0)
                        units<1> NotNull
                        usageFormat Size(max=32, min=0)""",
                String.join("\n", found));
    }

    private static String describe(ConstraintDescriptor<?> d) {
        Map<String, Object> attributes = new TreeMap<>(d.getAttributes());
        attributes.keySet().removeAll(java.util.Set.of("message", "groups", "payload"));
        String name = d.getAnnotation().annotationType().getSimpleName();
        return attributes.isEmpty()
                ? name
                : name + attributes.entrySet().stream().map(e -> e.getKey() + "="
                        + (e.getValue() instanceof Object[] a ? java.util.Arrays.toString(a) : e.getValue()))
                        .collect(Collectors.joining(", ", "(", ")"));
    }

    static Map<String, UnaryOperator<UsageEventRequest>> edges() {
        Map<String, UnaryOperator<UsageEventRequest>> m = new LinkedHashMap<>();
        m.put("as is", r -> r);
        m.put("id of 128", r -> with(r, "eventId", "x".repeat(128)));
        m.put("id of 129", r -> with(r, "eventId", "x".repeat(129)));
        m.put("id missing", r -> with(r, "eventId", null));
        m.put("id empty", r -> with(r, "eventId", ""));
        m.put("id of spaces", r -> with(r, "eventId", "   "));
        m.put("id of a control char", r -> with(r, "eventId", "\u0001"));
        m.put("id of a no-break space", r -> with(r, "eventId", "\u00a0"));
        m.put("id of an em space", r -> with(r, "eventId", "\u2003"));
        m.put("user blank", r -> with(r, "endUserId", "\t"));
        m.put("user of 129", r -> with(r, "endUserId", "u".repeat(129)));
        m.put("model missing", r -> with(r, "model", null));
        m.put("model of 129", r -> with(r, "model", "m".repeat(129)));
        m.put("provider of 64", r -> with(r, "provider", "p".repeat(64)));
        m.put("provider of 65", r -> with(r, "provider", "p".repeat(65)));
        m.put("provider missing", r -> with(r, "provider", null));
        m.put("input at max", r -> with(r, "inputTokens", 100_000_000L));
        m.put("input over max", r -> with(r, "inputTokens", 100_000_001L));
        m.put("input negative", r -> with(r, "inputTokens", -1L));
        m.put("output over max", r -> with(r, "outputTokens", 100_000_001L));
        m.put("output negative", r -> with(r, "outputTokens", -1L));
        m.put("cached over max", r -> with(r, "cachedTokens", 100_000_001L));
        m.put("cached negative", r -> with(r, "cachedTokens", Long.MIN_VALUE));
        m.put("counts missing", r -> with(with(with(r, "inputTokens", null), "outputTokens", null), "cachedTokens",
                null));
        m.put("no occurredAt", r -> with(r, "occurredAt", null));
        m.put("session of 129", r -> with(r, "agentSessionId", "s".repeat(129)));
        m.put("tools at max", r -> with(r, "toolCalls", 10_000));
        m.put("tools over max", r -> with(r, "toolCalls", 10_001));
        m.put("tools negative", r -> with(r, "toolCalls", -1));
        m.put("ten units", r -> with(r, "units", units(10, "u_", 1L)));
        m.put("eleven units", r -> with(r, "units", units(11, "u_", 1L)));
        m.put("unit name with digit and underscore", r -> with(r, "units", Map.of("a1_b", 1L)));
        m.put("unit name capitalised", r -> with(r, "units", Map.of("Image", 1L)));
        m.put("unit name starts with digit", r -> with(r, "units", Map.of("1x", 1L)));
        m.put("unit name starts with underscore", r -> with(r, "units", Map.of("_x", 1L)));
        m.put("unit name with dash", r -> with(r, "units", Map.of("a-b", 1L)));
        m.put("unit name empty", r -> with(r, "units", Map.of("", 1L)));
        m.put("unit name non-ascii", r -> with(r, "units", Map.of("é", 1L)));
        m.put("unit count at max", r -> with(r, "units", Map.of("x", 1_000_000L)));
        m.put("unit count over max", r -> with(r, "units", Map.of("x", 1_000_001L)));
        m.put("unit count negative", r -> with(r, "units", Map.of("x", -1L)));
        m.put("unit count missing", r -> with(r, "units", nullValue("x")));
        m.put("no units", r -> with(r, "units", Map.of()));
        m.put("sixteen metadata", r -> with(r, "metadata", units(16, "k", "v")));
        m.put("seventeen metadata", r -> with(r, "metadata", units(17, "k", "v")));
        m.put("metadata key of 64", r -> with(r, "metadata", Map.of("k".repeat(64), "v")));
        m.put("metadata key of 65", r -> with(r, "metadata", Map.of("k".repeat(65), "v")));
        m.put("metadata value of 128", r -> with(r, "metadata", Map.of("k", "v".repeat(128))));
        m.put("metadata value of 129", r -> with(r, "metadata", Map.of("k", "v".repeat(129))));
        m.put("metadata identifier value", r -> with(r, "metadata", Map.of("trace_id", "req_9f:eu-west/1@a+b=c")));
        m.put("metadata value with a space", r -> with(r, "metadata", Map.of("k", "tell me a joke")));
        m.put("metadata value empty", r -> with(r, "metadata", Map.of("k", "")));
        m.put("metadata key prompt", r -> with(r, "metadata", Map.of("prompt", "x")));
        m.put("metadata key completion", r -> with(r, "metadata", Map.of("completion", "x")));
        m.put("metadata key prompt_id", r -> with(r, "metadata", Map.of("prompt_id", "p1")));
        m.put("metadata key capitalised", r -> with(r, "metadata", Map.of("Key", "v")));
        m.put("metadata value missing", r -> with(r, "metadata", nullValue("k")));
        for (String part : new String[]{"cacheWriteTokens", "cacheWrite1hTokens", "audioInputTokens",
                "audioOutputTokens", "imageInputTokens", "imageOutputTokens", "reasoningTokens"}) {
            m.put(part + " at max", r -> with(r, part, 100_000_000L));
            m.put(part + " over max", r -> with(r, part, 100_000_001L));
            m.put(part + " negative", r -> with(r, part, -1L));
        }
        m.put("service tier of 32", r -> with(r, "serviceTier", "t".repeat(32)));
        m.put("service tier of 33", r -> with(r, "serviceTier", "t".repeat(33)));
        m.put("usage format of 33", r -> with(r, "usageFormat", "f".repeat(33)));
        return m;
    }

    static java.util.stream.Stream<String> cases() {
        return edges().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithTheValidator(String name) {
        UsageEventRequest r = edges().get(name).apply(OK);
        assertEquals(VALIDATOR.validate(r).isEmpty(), PlainlyValid.event(r), name + ": " + VALIDATOR.validate(r));
    }

    private static <V> Map<String, V> units(int n, String prefix, V value) {
        return IntStream.range(0, n).boxed().collect(Collectors.toMap(i -> prefix + (char) ('a' + i), i -> value));
    }

    private static <V> Map<String, V> nullValue(String key) {
        Map<String, V> m = new HashMap<>();
        m.put(key, null);
        return m;
    }

    /** A copy of {@code r} with one component replaced. */
    @SuppressWarnings("unchecked")
    private static UsageEventRequest with(UsageEventRequest r, String component, Object value) {
        var components = UsageEventRequest.class.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = components[i].getName().equals(component) ? value : components[i].getAccessor().invoke(r);
            }
            return UsageEventRequest.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
