package io.accrue.usage;

/** Object Mother for usage-event JSON. */
public final class UsageFixtures {

    private UsageFixtures() {
    }

    public static String event(String id, String user, String model, long in, long out, String at) {
        return """
                {"eventId":"%s","endUserId":"%s","model":"%s","inputTokens":%d,"outputTokens":%d,"occurredAt":"%s"}"""
                .formatted(id, user, model, in, out, at);
    }
}
