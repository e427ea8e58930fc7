package io.accrue.contract.contracts;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Response records: what clients (and the billing export) see of a contract. */
public final class ContractViews {

    private ContractViews() {
    }

    public record ContractView(UUID id, String orgId, String status, String currency, Instant termStart,
            Instant termEnd, Instant effectiveEnd, UUID renewalOf, int currentVersion, Instant createdAt,
            String createdBy, Instant updatedAt, List<VersionView> versions, List<TransitionView> transitions) {}

    public record VersionView(int number, Instant effectiveFrom, CommitmentView commitment,
            List<RateView> negotiatedRates, BigDecimal prepaidCredits, List<MinimumView> minimums,
            String customTerms, String documentRef, String reason, Instant createdAt, String createdBy) {

        static VersionView of(ContractVersion v) {
            return new VersionView(v.number, v.effectiveFrom,
                    new CommitmentView(v.commitmentAmount, v.commitmentPeriod),
                    v.rates.stream().map(RateView::of).toList(), v.prepaidCredits,
                    v.minimums.stream().map(m -> new MinimumView(m.period, m.amount)).toList(),
                    v.customTerms, v.documentRef, v.reason, v.createdAt, v.createdBy);
        }
    }

    public record CommitmentView(BigDecimal amount, String period) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RateView(String model, String meter, String kind, BigDecimal value) {

        public static RateView of(NegotiatedRate r) {
            return new RateView("model".equals(r.targetType) ? r.target : null,
                    "meter".equals(r.targetType) ? r.target : null, r.kind, r.value);
        }
    }

    public record MinimumView(String period, BigDecimal amount) {}

    public record TransitionView(String fromStatus, String toStatus, String action, String reason,
            String actor, Instant occurredAt) {

        static TransitionView of(ContractTransition t) {
            return new TransitionView(t.fromStatus == null ? null : t.fromStatus.wire(), t.toStatus.wire(), t.action,
                    t.reason, t.actor, t.occurredAt);
        }
    }
}
