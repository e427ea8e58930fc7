package io.accrue.invoice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.state.WireValue;
import io.accrue.invoice.outbox.OutboxStatusColumn;
import io.accrue.testing.CheckConstraints;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The billing run's, its items' and the outboxes' states: every move allowed or refused, and each enum's wire values
 * equal to its column's CHECK constraint in the migrated database.
 */
@QuarkusTest
class RunStatesTest {

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "planning, planning, false", "planning, running, true", "planning, completed, false",
            "planning, completed_with_failures, false",
            "running, planning, false", "running, running, false", "running, completed, true",
            "running, completed_with_failures, true",
            "completed, planning, false", "completed, running, false", "completed, completed, false",
            "completed, completed_with_failures, false",
            "completed_with_failures, planning, false", "completed_with_failures, running, false",
            "completed_with_failures, completed, true", "completed_with_failures, completed_with_failures, false"
    })
    void everyRunMove(String from, String to, boolean allowed) {
        assertEquals(allowed, find(RunStatus.class, from).mayMoveTo(find(RunStatus.class, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "pending, pending, false", "pending, done, true", "pending, failed, true", "pending, abandoned, true",
            "failed, pending, false", "failed, done, true", "failed, failed, false", "failed, abandoned, true",
            "done, pending, false", "done, done, false", "done, failed, false", "done, abandoned, false",
            "abandoned, pending, false", "abandoned, done, false", "abandoned, failed, false",
            "abandoned, abandoned, false"
    })
    void everyRunItemMove(String from, String to, boolean allowed) {
        assertEquals(allowed, find(RunItemStatus.class, from).mayMoveTo(find(RunItemStatus.class, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "pending, pending, false", "pending, delivered, true", "pending, failed, true",
            "delivered, pending, false", "delivered, delivered, false", "delivered, failed, false",
            "failed, pending, true", "failed, delivered, false", "failed, failed, false"
    })
    void everyOutboxMove(String from, String to, boolean allowed) {
        assertEquals(allowed, find(OutboxStatus.class, from).mayMoveTo(find(OutboxStatus.class, to)));
    }

    @Test
    void wireValuesAreTheDatabaseConstraints() {
        assertEquals(List.of("planning", "running", "completed", "completed_with_failures"),
                Arrays.stream(RunStatus.values()).map(WireValue::wire).toList());
        assertEquals(CheckConstraints.values(dataSource, "billing_runs_status"),
                CheckConstraints.wireValues(RunStatus.class, WireValue::wire));
        assertEquals(CheckConstraints.values(dataSource, "billing_run_items_status"),
                CheckConstraints.wireValues(RunItemStatus.class, WireValue::wire));
        assertEquals(CheckConstraints.values(dataSource, "outbox_status"),
                CheckConstraints.wireValues(OutboxStatus.class, WireValue::wire));
        assertEquals(CheckConstraints.values(dataSource, "billing_event_outbox_status"),
                CheckConstraints.wireValues(OutboxStatus.class, WireValue::wire));
        OutboxStatusColumn column = new OutboxStatusColumn();
        for (OutboxStatus s : OutboxStatus.values()) {
            assertEquals(s, column.convertToEntityAttribute(column.convertToDatabaseColumn(s)));
        }
        assertThrows(IllegalStateException.class, () -> new RunItemStatus.Column().convertToEntityAttribute("DONE"));
    }

    private static <E extends Enum<E> & WireValue> E find(Class<E> type, String wire) {
        return WireValue.find(type, wire).orElseThrow();
    }
}
