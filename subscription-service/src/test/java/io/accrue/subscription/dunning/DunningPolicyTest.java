package io.accrue.subscription.dunning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.state.WireValue;
import io.accrue.subscription.lifecycle.SubscriptionStatus;

class DunningPolicyTest {

    private final DunningPolicy policy = new DunningPolicy(3, 7, 14);

    @ParameterizedTest(name = "{0} since {1}, now {2} -> {3} at {4}")
    @CsvSource(nullValues = "-", value = {
            "past_due,  2026-03-01T00:00:00Z, 2026-03-03T23:59:59Z, -,         -",
            "past_due,  2026-03-01T00:00:00Z, 2026-03-04T00:00:00Z, grace,     2026-03-04T00:00:00Z",
            "past_due,  2026-03-01T00:00:00Z, 2026-04-30T00:00:00Z, grace,     2026-03-04T00:00:00Z",
            "grace,     2026-03-04T00:00:00Z, 2026-03-10T00:00:00Z, -,         -",
            "grace,     2026-03-04T00:00:00Z, 2026-03-11T00:00:00Z, suspended, 2026-03-11T00:00:00Z",
            "suspended, 2026-03-11T00:00:00Z, 2026-03-24T23:00:00Z, -,         -",
            "suspended, 2026-03-11T00:00:00Z, 2026-03-25T00:00:00Z, canceled,  2026-03-25T00:00:00Z",
            "active,    2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z, -,         -",
            "canceled,  2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z, -,         -"
    })
    void timedSteps(String status, Instant since, Instant now, String expectedStatus, Instant expectedAt) {
        Optional<DunningPolicy.Step> step = policy.due(status(status), since, now);
        assertEquals(Optional.ofNullable(expectedStatus).map(s -> new DunningPolicy.Step(status(s), expectedAt)), step);
    }

    private static SubscriptionStatus status(String wire) {
        return WireValue.find(SubscriptionStatus.class, wire).orElseThrow();
    }
}
