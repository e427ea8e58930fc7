package io.accrue.usage.plans;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.usage.plans.PlanRequests.EndUserView;
import io.accrue.usage.plans.PlanRequests.RatePlanRequest;
import io.accrue.usage.plans.PlanRequests.RatePlanView;

@ApplicationScoped
public class PlanService {

    private final RatePlanRepository plans;
    private final EndUserRepository endUsers;
    private final Clock clock;

    PlanService(RatePlanRepository plans, EndUserRepository endUsers, Clock clock) {
        this.plans = plans;
        this.endUsers = endUsers;
        this.clock = clock;
    }

    public List<RatePlanView> plans(String orgId) {
        return plans.ofOrg(orgId).stream().map(RatePlanView::of).toList();
    }

    public RatePlanView plan(String orgId, String slug) {
        return RatePlanView.of(findPlan(orgId, slug));
    }

    /** Creates or replaces the plan named by the slug (a plan's terms apply to events ingested after the change). */
    @Transactional
    public RatePlanView put(String orgId, String slug, RatePlanRequest r) {
        if (!slug.equals(r.slug())) {
            throw ApiException.unprocessable("slug_mismatch", "The body's slug must equal the path's slug.");
        }
        if ("margin".equals(r.pricing()) && r.markupPercent() != null && r.markupPercent().signum() != 0) {
            throw ApiException.unprocessable("pricing_ambiguous",
                    "A margin plan prices by targetMarginPercent; markupPercent belongs to markup plans.");
        }
        if ("markup".equals(r.pricing()) && r.targetMarginPercent() != null && r.targetMarginPercent().signum() != 0) {
            // stored and never applied otherwise: a markup plan prices by markupPercent alone
            throw ApiException.unprocessable("pricing_ambiguous",
                    "A markup plan prices by markupPercent; targetMarginPercent belongs to margin plans.");
        }
        Instant now = clock.instant();
        RatePlan p = plans.bySlug(orgId, slug).orElseGet(() -> {
            RatePlan n = new RatePlan();
            n.id = UUID.randomUUID();
            n.orgId = orgId;
            n.slug = slug;
            n.createdAt = now;
            return n;
        });
        boolean makeDefault = Boolean.TRUE.equals(r.isDefault()) || plans.defaultOf(orgId).isEmpty();
        if (Boolean.FALSE.equals(r.isDefault()) && (makeDefault || p.isDefault)) {
            // "not the default" would be ignored: an organisation always has one default plan
            throw ApiException.unprocessable("default_plan_required", "'" + slug + "' is the organisation's default"
                    + " rate plan (its first plan, or made default before); make another plan the default instead.");
        }
        if (makeDefault) {
            plans.defaultOf(orgId).filter(d -> !d.id.equals(p.id)).ifPresent(d -> {
                d.isDefault = false;
                plans.flush();
            });
        }
        p.name = r.name().strip();
        p.isDefault = makeDefault || p.isDefault;
        p.pricing = r.pricing();
        p.markupPercent = orZero(r.markupPercent());
        p.targetMarginPercent = orZero(r.targetMarginPercent());
        p.feePerRequest = orZero(r.feePerRequest());
        p.dailyTokenLimit = r.dailyTokenLimit();
        p.monthlyTokenLimit = r.monthlyTokenLimit();
        p.dailyRequestLimit = r.dailyRequestLimit();
        p.monthlyCostCap = r.monthlyCostCap();
        p.burstPerMinute = r.burstPerMinute();
        p.allowedModels = r.allowedModels() == null ? new String[0] : r.allowedModels().toArray(String[]::new);
        p.enforcement = Enforcement.parse(r.enforcement());
        p.updatedAt = now;
        plans.persistAndFlush(p);
        return RatePlanView.of(p);
    }

    public CursorPage<EndUserView> search(String orgId, String q, Boolean blocked, String planSlug, String cursor,
            Integer limit) {
        int size = Cursors.limit(limit);
        String after = cursor == null ? "" : Cursors.decode(cursor, 1).get(0);
        UUID planId = null;
        boolean isDefault = false;
        if (planSlug != null) {
            RatePlan p = findPlan(orgId, planSlug);
            planId = p.id;
            isDefault = p.isDefault;
        }
        List<EndUser> rows = endUsers.search(orgId, after, q, blocked, planId, isDefault, size + 2);
        boolean more = rows.size() > size;
        List<EndUser> page = more ? rows.subList(0, size) : rows;
        Map<UUID, RatePlan> byId = plans.ofOrg(orgId).stream()
                .collect(Collectors.toMap(p -> p.id, Function.identity()));
        String defaultSlug = plans.defaultOf(orgId).map(p -> p.slug).orElse(null);
        List<EndUserView> items = page.stream().map(u -> view(u, byId, defaultSlug)).toList();
        return new CursorPage<>(items, more ? Cursors.encode(page.get(page.size() - 1).endUserId) : null, more);
    }

    public EndUserView endUser(String orgId, String endUserId) {
        EndUser u = findUser(orgId, endUserId);
        return view(u, plans.ofOrg(orgId).stream().collect(Collectors.toMap(p -> p.id, Function.identity())),
                plans.defaultOf(orgId).map(p -> p.slug).orElse(null));
    }

    @Transactional
    public EndUserView setBlocked(String orgId, String endUserId, boolean blocked, String reason) {
        EndUser u = findUser(orgId, endUserId);
        u.blocked = blocked;
        u.blockedReason = blocked ? reason : null;
        endUsers.flush();
        return endUser(orgId, endUserId);
    }

    @Transactional
    public EndUserView changePlan(String orgId, String endUserId, String planSlug) {
        EndUser u = findUser(orgId, endUserId);
        u.ratePlanId = findPlan(orgId, planSlug).id;
        endUsers.flush();
        return endUser(orgId, endUserId);
    }

    private EndUserView view(EndUser u, Map<UUID, RatePlan> byId, String defaultSlug) {
        String slug = u.ratePlanId == null ? defaultSlug : byId.get(u.ratePlanId).slug;
        return new EndUserView(u.endUserId, slug, u.blocked, u.blockedReason, u.createdAt);
    }

    private RatePlan findPlan(String orgId, String slug) {
        return plans.bySlug(orgId, slug).orElseThrow(() -> ApiException.notFound("rate_plan_not_found",
                "No rate plan '" + slug + "' in this organisation."));
    }

    private EndUser findUser(String orgId, String endUserId) {
        return endUsers.byId(orgId, endUserId).orElseThrow(() -> ApiException.notFound("end_user_not_found",
                "No end user '" + endUserId + "' in this organisation."));
    }

    private static BigDecimal orZero(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }
}
