package io.accrue.subscription.plan;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.subscription.plan.PlanRequests.Entitlements;
import io.accrue.subscription.plan.PlanRequests.Overage;
import io.accrue.subscription.plan.PlanRequests.PlanDraft;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;
import io.accrue.subscription.plan.PlanRequests.Tier;

@ApplicationScoped
public class PlanService {

    private final PlanRepository plans;
    private final Clock clock;

    PlanService(PlanRepository plans, Clock clock) {
        this.plans = plans;
        this.clock = clock;
    }

    @Transactional
    public PlanVersionView create(PlanDraft draft, String actor) {
        if (draft.slug() == null) {
            throw ApiException.unprocessable("plan_slug_required", "A new plan needs a slug.");
        }
        if (plans.findLatest(draft.slug()).isPresent()) {
            throw ApiException.conflict("plan_exists",
                    "Plan '" + draft.slug() + "' exists; PUT a new version instead.");
        }
        return PlanJson.view(persist(draft.slug(), 1, draft, actor), null);
    }

    /** A change never edits a version in place: it appends the next one. */
    @Transactional
    public PlanVersionView newVersion(String slug, PlanDraft draft, String actor) {
        if (draft.slug() != null && !draft.slug().equals(slug)) {
            throw ApiException.unprocessable("plan_slug_mismatch", "The body's slug differs from the path's.");
        }
        PlanDefinition latest = latest(slug);
        return PlanJson.view(persist(slug, latest.version + 1, draft, actor), null);
    }

    @Transactional
    public PlanVersionView archive(String slug, boolean archived) {
        PlanDefinition latest = latest(slug);
        // Archiving hides the plan from new subscriptions; every version shares the flag so none is picked.
        plans.update("archived = ?1 where slug = ?2", archived, slug);
        latest.archived = archived;
        return PlanJson.view(latest, null);
    }

    public PlanVersionView version(String slug, int version, String currency) {
        return PlanJson.view(definition(slug, version), currency);
    }

    /** The API view of a stored version, base price in {@code currency} when it has one. */
    public static PlanVersionView view(PlanDefinition plan, String currency) {
        return PlanJson.view(plan, currency);
    }

    public List<PlanVersionView> catalog() {
        return plans.listLatest().stream().map(p -> PlanJson.view(p, null)).toList();
    }

    public PlanDefinition definition(String slug, int version) {
        return plans.findVersion(slug, version).orElseThrow(() -> ApiException.notFound("plan_not_found",
                "Plan '" + slug + "' has no version " + version + "."));
    }

    public PlanDefinition latest(String slug) {
        return plans.findLatest(slug).orElseThrow(() -> ApiException.notFound("plan_not_found",
                "There is no plan '" + slug + "'."));
    }

    private PlanDefinition persist(String slug, int version, PlanDraft d, String actor) {
        for (String code : d.basePrices().keySet()) {
            try {
                Currency.getInstance(code);
            } catch (IllegalArgumentException e) {
                throw ApiException.unprocessable("unknown_currency", "'" + code + "' is not an ISO-4217 currency.");
            }
        }
        List<Overage> overage = d.overage() == null ? List.of() : d.overage();
        overage.forEach(PlanService::checkTiers);
        checkMeters(d, overage);
        PlanDefinition p = new PlanDefinition();
        p.id = UUID.randomUUID();
        p.slug = slug;
        p.version = version;
        p.name = d.name().strip();
        p.tier = d.tier();
        p.billingModel = d.billingModel();
        p.interval = d.interval();
        p.basePrices = PlanJson.write(new java.util.TreeMap<String, BigDecimal>(d.basePrices()));
        p.allowances = PlanJson.write(d.allowances() == null ? Map.of() : d.allowances());
        p.overage = PlanJson.write(overage);
        p.entitlements = PlanJson.write(d.entitlements() == null ? Entitlements.none() : d.entitlements());
        p.stripePriceIds = PlanJson.write(d.stripePriceIds() == null ? Map.of() : d.stripePriceIds());
        p.createdAt = clock.instant();
        p.createdBy = actor;
        plans.persistAndFlush(p);
        return p;
    }

    /** The meters invoice-service bills (billing-rules "Invoices", rule 4); any other name would bill nothing. */
    static final java.util.Set<String> METERS = java.util.Set.of("llm_tokens", "agent_sessions", "tool_calls",
            "requests");

    /**
     * Accepted means applied: an allowance or overage rule for a meter that is not billed, a second rule for one
     * meter (both would charge), or an organisation-wide model allow-list (nothing enforces it: end users' model
     * lists live on usage-service rate plans) is refused rather than stored and ignored.
     */
    private static void checkMeters(PlanDraft d, List<Overage> overage) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Overage o : overage) {
            if (!METERS.contains(o.meter())) {
                throw ApiException.unprocessable("unknown_meter", "Overage meter '" + o.meter() + "' is not one of "
                        + new java.util.TreeSet<>(METERS) + ".");
            }
            if (!seen.add(o.meter())) {
                throw ApiException.unprocessable("duplicate_meter", "Meter '" + o.meter() + "' has two overage rules.");
            }
        }
        if (d.allowances() != null) {
            for (String meter : d.allowances().keySet()) {
                if (!METERS.contains(meter)) {
                    throw ApiException.unprocessable("unknown_meter", "Allowance meter '" + meter + "' is not one of "
                            + new java.util.TreeSet<>(METERS) + ".");
                }
            }
        }
        if (d.entitlements() != null) {
            checkEntitlements(d.entitlements());
        }
    }

    /**
     * A metered limit counts one of the billed meters per billing period (usage-service answers it from the same
     * totals the invoice uses), so any other key would limit nothing; a name in two kinds would have two answers.
     */
    private static void checkEntitlements(Entitlements e) {
        for (String meter : e.limits().keySet()) {
            if (!METERS.contains(meter)) {
                throw ApiException.unprocessable("unknown_meter", "Entitlement limit '" + meter + "' is not one of "
                        + new java.util.TreeSet<>(METERS) + ".");
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String name : e.features()) {
            if (!names.add(name)) {
                throw ApiException.unprocessable("entitlement_conflict", "Feature '" + name + "' is listed twice.");
            }
        }
        for (String name : java.util.stream.Stream.concat(e.limits().keySet().stream(), e.config().keySet().stream())
                .toList()) {
            if (!names.add(name)) {
                throw ApiException.unprocessable("entitlement_conflict", "Entitlement '" + name
                        + "' is named twice (a name is a feature, a limit or a config value, once).");
            }
        }
    }

    /** Graduated tiers must grow and end unbounded, otherwise some usage would have no price. */
    private static void checkTiers(Overage o) {
        long previous = 0;
        for (int i = 0; i < o.tiers().size(); i++) {
            Tier t = o.tiers().get(i);
            boolean last = i == o.tiers().size() - 1;
            if (t.upTo() == null ? !last : t.upTo() <= previous) {
                throw ApiException.unprocessable("invalid_overage_tiers",
                        "Tiers of meter '" + o.meter() + "' must have increasing upTo and only the last may be open.");
            }
            if (last && t.upTo() != null) {
                throw ApiException.unprocessable("invalid_overage_tiers",
                        "The last tier of meter '" + o.meter() + "' must be open (upTo null).");
            }
            previous = t.upTo() == null ? previous : t.upTo();
        }
    }
}
