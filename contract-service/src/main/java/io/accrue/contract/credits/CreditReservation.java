package io.accrue.contract.credits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Converter;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** Credits set aside for an invoice that is not final yet: held → consumed (by its drawdown) | released. */
@Entity
@Table(name = "credit_reservations")
public class CreditReservation {

    /** Stored as its wire value, the values of the table's CHECK constraint. */
    public enum Status implements WireValue {
        HELD, CONSUMED, RELEASED;

        /** Held may be resized, consumed or released; consumed and released are final. */
        public boolean mayMoveTo(Status next) {
            return this == HELD;
        }

        @Converter(autoApply = true)
        public static class Column extends WireColumn<Status> {
            public Column() {
                super(Status.class);
            }
        }
    }

    @Id
    public UUID id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String reference;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal amount;

    @Column(nullable = false)
    public Status status;

    @Column(name = "invoice_id")
    public String invoiceId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
