package io.accrue.usage.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.state.WireValue;
import io.accrue.testing.CheckConstraints;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** The meter outbox's states: the one move, and the wire values equal to the table's CHECK constraint. */
@QuarkusTest
class MeterReportStatusTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void pendingIsSentOnceAndTheWireValuesAreTheConstraint() {
        assertEquals(true, MeterReportStatus.PENDING.mayMoveTo(MeterReportStatus.SENT));
        assertEquals(false, MeterReportStatus.PENDING.mayMoveTo(MeterReportStatus.PENDING));
        assertEquals(false, MeterReportStatus.SENT.mayMoveTo(MeterReportStatus.PENDING));
        assertEquals(false, MeterReportStatus.SENT.mayMoveTo(MeterReportStatus.SENT));
        assertEquals(CheckConstraints.values(dataSource, "meter_outbox_status_check"),
                CheckConstraints.wireValues(MeterReportStatus.class, WireValue::wire));
    }
}
