package io.accrue.invoice.coupon;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One period's use of a redemption, written with the period's invoice (V20: one per redemption and period). */
@Entity
@Table(name = "coupon_applications")
@IdClass(CouponApplication.Key.class)
public class CouponApplication {

    @Id
    @Column(name = "redemption_id")
    public UUID redemptionId;

    @Id
    @Column(name = "period_start")
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(name = "invoice_id", nullable = false)
    public UUID invoiceId;

    /** The discount this period's invoice gave (0 when nothing it targets was charged). */
    @Column(nullable = false)
    public BigDecimal amount;

    public static class Key implements Serializable {
        public UUID redemptionId;
        public Instant periodStart;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(redemptionId, k.redemptionId)
                    && Objects.equals(periodStart, k.periodStart);
        }

        @Override
        public int hashCode() {
            return Objects.hash(redemptionId, periodStart);
        }
    }
}
