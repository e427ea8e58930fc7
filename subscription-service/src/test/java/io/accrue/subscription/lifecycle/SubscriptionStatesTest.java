package io.accrue.subscription.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireValue;

/** The subscription's states and options: every move allowed or refused, and the wire values the API keeps. */
class SubscriptionStatesTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "active,    active,    false", "active,    past_due,  true", "active,    grace,     false",
            "active,    suspended, false", "active,    canceled,  true",
            "past_due,  active,    true", "past_due,  past_due,  false", "past_due,  grace,     true",
            "past_due,  suspended, false", "past_due,  canceled,  true",
            "grace,     active,    true", "grace,     past_due,  false", "grace,     grace,     false",
            "grace,     suspended, true", "grace,     canceled,  true",
            "suspended, active,    true", "suspended, past_due,  false", "suspended, grace,     false",
            "suspended, suspended, false", "suspended, canceled,  true",
            "canceled,  active,    true", "canceled,  past_due,  false", "canceled,  grace,     false",
            "canceled,  suspended, false", "canceled,  canceled,  false"
    })
    void everyStatusMove(String from, String to, boolean allowed) {
        SubscriptionStatus current = status(from);
        SubscriptionStatus next = status(to);
        assertEquals(allowed, current.mayMoveTo(next));
        if (allowed) {
            current.requireMayMoveTo(next);
        } else {
            assertThrows(IllegalStateException.class, () -> current.requireMayMoveTo(next));
        }
    }

    @Test
    void theDunningStatesAreTheThreeBetweenActiveAndCanceled() {
        assertEquals(List.of("past_due", "grace", "suspended"), Arrays.stream(SubscriptionStatus.values())
                .filter(SubscriptionStatus::inDunning).map(WireValue::wire).toList());
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({"flat, flat, false", "flat, metered, true", "metered, flat, true", "metered, metered, false"})
    void everyBillingModeMove(String from, String to, boolean allowed) {
        assertEquals(allowed, BillingMode.parse(from).mayMoveTo(BillingMode.parse(to)));
    }

    @Test
    void wireValuesStayTheOnesTheApiAndTheDatabaseUse() {
        assertEquals(List.of("active", "past_due", "grace", "suspended", "canceled"),
                Arrays.stream(SubscriptionStatus.values()).map(WireValue::wire).toList());
        assertEquals(List.of("flat", "metered"), Arrays.stream(BillingMode.values()).map(WireValue::wire).toList());
        assertEquals(List.of("now", "period_end"), Arrays.stream(ChangeTiming.values()).map(WireValue::wire).toList());
        SubscriptionStatus.Column column = new SubscriptionStatus.Column();
        for (SubscriptionStatus s : SubscriptionStatus.values()) {
            assertEquals(s, column.convertToEntityAttribute(column.convertToDatabaseColumn(s)));
        }
        assertThrows(IllegalStateException.class, () -> column.convertToEntityAttribute("PAST_DUE"));
        assertThrows(ApiException.class, () -> BillingMode.parse("Flat"));
    }

    @ParameterizedTest(name = "timing {0}, upgrade {1} -> {2}")
    @CsvSource(nullValues = "-", value = {
            "-, true, now", "-, false, period_end", "now, false, now", "period_end, true, period_end"})
    void timingDefaultsToNowForAnUpgradeOnly(String requested, boolean upgrade, String expected) {
        assertEquals(expected, ChangeTiming.requestedOr(requested, upgrade).wire());
    }

    private static SubscriptionStatus status(String wire) {
        return WireValue.find(SubscriptionStatus.class, wire).orElseThrow();
    }
}
