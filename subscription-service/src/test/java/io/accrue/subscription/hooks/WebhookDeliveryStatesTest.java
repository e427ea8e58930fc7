package io.accrue.subscription.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.state.WireValue;
import io.accrue.testing.CheckConstraints;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A webhook delivery's states: every move allowed or refused, and the wire values equal to the CHECK constraint of
 * {@code webhook_deliveries.status} in the migrated database.
 */
@QuarkusTest
class WebhookDeliveryStatesTest {

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "pending, pending, false", "pending, delivered, true", "pending, failed, true",
            "pending, canceled, true",
            "delivered, pending, false", "delivered, delivered, false", "delivered, failed, false",
            "delivered, canceled, false",
            "failed, pending, false", "failed, delivered, false", "failed, failed, false", "failed, canceled, false",
            "canceled, pending, false", "canceled, delivered, false", "canceled, failed, false",
            "canceled, canceled, false"
    })
    void everyMove(String from, String to, boolean allowed) {
        WebhookDeliveryStatus current = status(from);
        WebhookDeliveryStatus next = status(to);
        assertEquals(allowed, current.mayMoveTo(next));
        WebhookDelivery d = new WebhookDelivery();
        d.status = current;
        if (allowed) {
            d.moveTo(next);
            assertEquals(next, d.status);
        } else {
            assertThrows(IllegalStateException.class, () -> d.moveTo(next));
            assertEquals(current, d.status);
        }
    }

    @Test
    void wireValuesAreTheDatabaseConstraint() {
        assertEquals(List.of("pending", "delivered", "failed", "canceled"),
                Arrays.stream(WebhookDeliveryStatus.values()).map(WireValue::wire).toList());
        assertEquals(CheckConstraints.values(dataSource, "webhook_deliveries_status_check"),
                CheckConstraints.wireValues(WebhookDeliveryStatus.class, WireValue::wire));
    }

    @Test
    void aStoredValueThatIsNoStateIsRefused() {
        WebhookDeliveryStatus.Column column = new WebhookDeliveryStatus.Column();
        assertEquals(WebhookDeliveryStatus.CANCELED, column.convertToEntityAttribute("canceled"));
        assertEquals("canceled", column.convertToDatabaseColumn(WebhookDeliveryStatus.CANCELED));
        assertThrows(IllegalStateException.class, () -> column.convertToEntityAttribute("cancelled"));
    }

    private static WebhookDeliveryStatus status(String wire) {
        return WireValue.find(WebhookDeliveryStatus.class, wire).orElseThrow();
    }
}
