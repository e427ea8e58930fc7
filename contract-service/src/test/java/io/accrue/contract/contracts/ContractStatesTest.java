package io.accrue.contract.contracts;

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
import io.accrue.contract.credits.CreditReservation;
import io.accrue.testing.CheckConstraints;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * contract-service's states: every move of a contract allowed or refused, and each enum's wire values equal to its
 * column's CHECK constraint in the migrated database (the values the API and the billing export have always shown).
 */
@QuarkusTest
class ContractStatesTest {

    @Inject
    AgroalDataSource dataSource;

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "draft, draft, false", "draft, active, true", "draft, expired, false", "draft, terminated, false",
            "draft, renewed, false",
            "active, draft, false", "active, active, false", "active, expired, true", "active, terminated, true",
            "active, renewed, true",
            "expired, draft, false", "expired, active, false", "expired, expired, false",
            "expired, terminated, false", "expired, renewed, true",
            "terminated, draft, false", "terminated, active, false", "terminated, expired, false",
            "terminated, terminated, false", "terminated, renewed, false",
            "renewed, draft, false", "renewed, active, false", "renewed, expired, false",
            "renewed, terminated, false", "renewed, renewed, false"
    })
    void everyContractMove(String from, String to, boolean allowed) {
        assertEquals(allowed, status(from).mayMoveTo(status(to)));
        Contract c = new Contract();
        c.status = status(from);
        if (allowed) {
            c.moveTo(status(to));
            assertEquals(status(to), c.status);
        } else {
            assertThrows(IllegalStateException.class, () -> c.moveTo(status(to)));
            assertEquals(status(from), c.status);
        }
    }

    @Test
    void aReservationMovesOnlyWhileHeld() {
        for (CreditReservation.Status next : CreditReservation.Status.values()) {
            assertEquals(true, CreditReservation.Status.HELD.mayMoveTo(next));
            assertEquals(false, CreditReservation.Status.CONSUMED.mayMoveTo(next));
            assertEquals(false, CreditReservation.Status.RELEASED.mayMoveTo(next));
        }
    }

    @Test
    void wireValuesAreTheDatabaseConstraints() {
        assertEquals(List.of("draft", "active", "expired", "terminated", "renewed"),
                Arrays.stream(ContractStatus.values()).map(WireValue::wire).toList());
        assertEquals(CheckConstraints.values(dataSource, "contracts_status_check"),
                CheckConstraints.wireValues(ContractStatus.class, WireValue::wire));
        assertEquals(CheckConstraints.values(dataSource, "credit_reservations_status"),
                CheckConstraints.wireValues(CreditReservation.Status.class, WireValue::wire));
        assertEquals(CheckConstraints.values(dataSource, "billing_event_outbox_status"),
                CheckConstraints.wireValues(OutboxStatus.class, WireValue::wire));
        ContractStatus.Column column = new ContractStatus.Column();
        for (ContractStatus s : ContractStatus.values()) {
            assertEquals(s.wire(), column.convertToDatabaseColumn(s));
            assertEquals(s, column.convertToEntityAttribute(s.wire()));
        }
        assertThrows(IllegalStateException.class, () -> column.convertToEntityAttribute("ACTIVE"));
    }

    private static ContractStatus status(String wire) {
        return WireValue.find(ContractStatus.class, wire).orElseThrow();
    }
}
