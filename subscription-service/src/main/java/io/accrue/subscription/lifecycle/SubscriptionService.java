package io.accrue.subscription.lifecycle;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.subscription.account.BillingAccount;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.audit.AuditTrail;
import io.accrue.subscription.gate.SpendGate;
import io.accrue.subscription.hooks.BillingEvents;
import io.accrue.subscription.lifecycle.Periods.Period;
import io.accrue.subscription.lifecycle.SubscriptionRequests.ChangePlan;
import io.accrue.subscription.lifecycle.SubscriptionRequests.ChangeResult;
import io.accrue.subscription.lifecycle.SubscriptionRequests.EventView;
import io.accrue.subscription.lifecycle.SubscriptionRequests.PendingChange;
import io.accrue.subscription.lifecycle.SubscriptionRequests.SubscriptionView;
import io.accrue.subscription.plan.PlanDefinition;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;
import io.accrue.subscription.plan.PlanService;

/** Subscription state changes; each one appends to the timeline in the same transaction. */
@ApplicationScoped
public class SubscriptionService {

    public static final String DEFAULT_PLAN = "free";

    private final SubscriptionRepository subscriptions;
    private final SubscriptionEventRepository events;
    private final BillingAccountRepository accounts;
    private final PlanService plans;
    private final SpendGate gate;
    private final AuditTrail audit;
    private final Clock clock;
    private final InvoiceClient invoices;
    private final String usageCostCurrency;
    private final BillingEvents billingEvents;

    SubscriptionService(SubscriptionRepository subscriptions, SubscriptionEventRepository events,
            BillingAccountRepository accounts, PlanService plans, SpendGate gate, AuditTrail audit, Clock clock,
            InvoiceClient invoices, BillingEvents billingEvents,
            @ConfigProperty(name = "accrue.subscription.usage-cost-currency", defaultValue = "USD") String usageCostCurrency) {
        this.billingEvents = billingEvents;
        this.invoices = invoices;
        this.usageCostCurrency = usageCostCurrency;
        this.audit = audit;
        this.subscriptions = subscriptions;
        this.events = events;
        this.accounts = accounts;
        this.plans = plans;
        this.gate = gate;
        this.clock = clock;
    }

    /** Called while provisioning: every organisation starts on the newest free plan. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void start(BillingAccount account, String actor) {
        PlanDefinition free = plans.latest(DEFAULT_PLAN);
        // An account that starts where its plan has no price can never change plan (no proration, no invoice):
        // refuse the provisioning instead (the whole transaction rolls back). The seeded free plan (V8) is priced 0
        // in every ISO-4217 currency, so only an operator's own free version can lack one.
        price(free, account.provisionedCurrency);
        Instant now = clock.instant();
        Period period = Periods.containing(now, ZoneId.of(account.timeZone), free.interval);
        Subscription s = new Subscription();
        s.id = UUID.randomUUID();
        s.orgId = account.orgId;
        s.planSlug = free.slug;
        s.planVersion = free.version;
        s.status = SubscriptionStatus.ACTIVE;
        s.currency = account.provisionedCurrency;
        s.billingMode = BillingMode.FLAT;
        s.currentPeriodStart = period.start();
        s.currentPeriodEnd = period.end();
        s.statusChangedAt = now;
        s.createdAt = now;
        s.updatedAt = now;
        subscriptions.persist(s);
        record(s, "created", now, null, SubscriptionStatus.ACTIVE, "provisioned", actor);
    }

    /**
     * The billing terms of each organisation as they are now (account views show these; the account row keeps no
     * copy that could go stale). Read-only: a period the rollover has not caught up yet is shown with what was
     * scheduled for its end already applied ({@link AccountTerms}).
     */
    public java.util.Map<String, AccountTerms> terms(java.util.Collection<String> orgIds) {
        if (orgIds.isEmpty()) {
            return java.util.Map.of();
        }
        Instant now = clock.instant();
        java.util.Map<String, AccountTerms> out = new java.util.HashMap<>();
        subscriptions.find("orgId in ?1", orgIds).list().forEach(s -> out.put(s.orgId, AccountTerms.of(s, now)));
        return out;
    }

    @Transactional
    public SubscriptionView view(String orgId) {
        return toView(current(orgId));
    }

    public CursorPage<EventView> events(String orgId, Instant from, Instant to, String cursor, Integer limit) {
        existing(orgId);
        int size = Cursors.limit(limit);
        Instant afterEffective = Instant.EPOCH;
        long afterSeq = 0;
        if (cursor != null) {
            List<String> key = Cursors.decode(cursor, 2);
            try {
                afterEffective = Instant.parse(key.get(0));
                afterSeq = Long.parseLong(key.get(1));
            } catch (RuntimeException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        Instant lower = from == null ? Instant.EPOCH : from;
        Instant upper = to == null ? Instant.parse("9999-01-01T00:00:00Z") : to;
        if (!upper.isAfter(lower)) {
            throw ApiException.badRequest("invalid_range", "'to' must be after 'from'.");
        }
        List<SubscriptionEvent> rows = events.page(orgId, lower, upper, afterEffective, afterSeq, size);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            SubscriptionEvent last = rows.get(size - 1);
            next = Cursors.encode(last.effectiveAt.toString(), last.seq.toString());
        }
        return CursorPage.of(rows.stream().map(EventView::of).toList(), next);
    }

    @Transactional
    public ChangeResult changePlan(String orgId, ChangePlan request, String actor) {
        PlanDefinition target = plans.latest(request.planSlug());
        if (target.archived) {
            throw ApiException.unprocessable("plan_archived", "Plan '" + target.slug + "' takes no new subscribers.");
        }
        // the plan must bill in this period's currency and in one scheduled for the next; asked before the
        // subscription row is locked, so no lock is held while invoice-service answers
        List<String> before = currencies(orgId);
        before.forEach(currency -> requireBillable(target, currency));
        Subscription s = current(orgId);
        requireLive(s);
        if (!currencies(s).equals(before)) {
            currencies(s).forEach(currency -> requireBillable(target, currency)); // changed meanwhile: ask again
        }
        PlanDefinition from = plans.definition(s.planSlug, s.planVersion);
        if (from.slug.equals(target.slug) && from.version == target.version) {
            throw ApiException.conflict("plan_unchanged", "The subscription is already on this plan version.");
        }
        BigDecimal oldPrice = price(from, s.currency);
        BigDecimal newPrice = price(target, s.currency);
        boolean upgrade = Proration.isUpgrade(oldPrice, newPrice);
        if (upgrade) {
            gate.requireOpen(orgId); // an upgrade is a new charge: refused while in dunning or disputed
        }
        ChangeTiming timing = ChangeTiming.requestedOr(request.timing(), upgrade);
        Instant now = clock.instant();
        if (timing == ChangeTiming.PERIOD_END) {
            s.pendingPlanSlug = target.slug;
            s.pendingPlanVersion = target.version;
            s.updatedAt = now;
            record(s, "plan_change_scheduled", now, null, null, "to " + target.slug + " v" + target.version, actor);
            return ChangeResult.of(toView(s), s.currentPeriodEnd.toString(), BigDecimal.ZERO);
        }
        BigDecimal amount = Proration.switchNow(oldPrice, newPrice, s.currentPeriodStart, s.currentPeriodEnd, now,
                s.currency);
        switchNow(s, target, upgrade, "from " + from.slug + " v" + from.version, actor);
        return ChangeResult.of(toView(s), ChangeTiming.NOW.wire(), amount);
    }

    /**
     * What {@link #changePlan} would do now, without doing it: the same validation, timing default and proration
     * (a read; nothing is written). An upgrade the spend gate would refuse says so instead of failing, so a console
     * can show why the change cannot be confirmed.
     */
    @Transactional // the subscription is read locked and rolled over as the change itself would see it
    public ChangePreview previewPlanChange(String orgId, ChangePlan request) {
        Subscription s = current(orgId);
        requireLive(s);
        PlanDefinition target = plans.latest(request.planSlug());
        if (target.archived) {
            throw ApiException.unprocessable("plan_archived", "Plan '" + target.slug + "' takes no new subscribers.");
        }
        PlanDefinition from = plans.definition(s.planSlug, s.planVersion);
        if (from.slug.equals(target.slug) && from.version == target.version) {
            throw ApiException.conflict("plan_unchanged", "The subscription is already on this plan version.");
        }
        BigDecimal oldPrice = price(from, s.currency);
        BigDecimal newPrice = price(target, s.currency);
        boolean upgrade = Proration.isUpgrade(oldPrice, newPrice);
        ChangeTiming timing = ChangeTiming.requestedOr(request.timing(), upgrade);
        BigDecimal amount = timing == ChangeTiming.PERIOD_END
                ? BigDecimal.ZERO
                : Proration.switchNow(oldPrice, newPrice, s.currentPeriodStart, s.currentPeriodEnd, clock.instant(),
                        s.currency);
        String refused = null;
        if (upgrade) {
            try {
                gate.requireOpen(orgId);
            } catch (ApiException e) {
                refused = e.code() + ": " + e.detail();
            }
        }
        return new ChangePreview(from.slug, from.version, target.slug, target.version, upgrade,
                timing == ChangeTiming.PERIOD_END ? s.currentPeriodEnd.toString() : ChangeTiming.NOW.wire(),
                new io.accrue.subscription.plan.PlanRequests.Money(amount, s.currency),
                new io.accrue.subscription.plan.PlanRequests.Money(newPrice, s.currency), refused);
    }

    /**
     * A plan change not made: from and to, whether it is an upgrade, when it would take effect ({@code now} or the
     * period end), the prorated amount charged now (zero at the period end), the new plan's price per period, and
     * why it would be refused (null: it would go through).
     */
    public record ChangePreview(String fromPlan, int fromVersion, String toPlan, int toVersion, boolean upgrade,
            String effective, io.accrue.subscription.plan.PlanRequests.Money proration,
            io.accrue.subscription.plan.PlanRequests.Money newPrice, String refusedBecause) {}

    /**
     * A Stripe Checkout that was paid for a plan's price moves the subscription to that plan now, once. Answers
     * the outcome for the webhook record instead of throwing for expected cases, so a refused change does not
     * roll back (and endlessly retry) the webhook's processing. Order-independent: a plan change made after
     * the session completed is newer and wins.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String applyPaidCheckout(String orgId, String planSlug, Instant completedAt, String actor) {
        Subscription s = current(orgId);
        if (s.status == SubscriptionStatus.CANCELED) {
            return "not applied: subscription canceled";
        }
        if (s.planSlug.equals(planSlug)) {
            return "already on plan " + planSlug;
        }
        if (events.planChangesSince(orgId, completedAt) > 0) {
            return "stale: the plan changed after this checkout";
        }
        PlanDefinition target = plans.latest(planSlug);
        if (target.archived || !PlanService.view(target, null).basePrices().containsKey(s.currency)) {
            return "not applied: plan " + planSlug + " takes no new subscribers in " + s.currency;
        }
        // paid at Stripe already, so not refused by the spend gate: the charge it guards against has happened
        PlanDefinition from = plans.definition(s.planSlug, s.planVersion);
        boolean upgrade = Proration.isUpgrade(price(from, s.currency), price(target, s.currency));
        switchNow(s, target, upgrade, "checkout paid; from " + from.slug + " v" + from.version, actor);
        return "plan changed to " + target.slug + " v" + target.version;
    }

    @Transactional
    public ChangeResult cancel(String orgId, SubscriptionRequests.Cancel request, String actor) {
        Subscription s = current(orgId);
        if (s.status == SubscriptionStatus.CANCELED) {
            throw ApiException.conflict("subscription_canceled", "The subscription is already canceled.");
        }
        Instant now = clock.instant();
        String reason = request.reason() == null ? "canceled by customer" : request.reason();
        if (ChangeTiming.requestedOr(request.timing(), false) == ChangeTiming.NOW) {
            BigDecimal credit = Proration.cancelNow(price(plans.definition(s.planSlug, s.planVersion), s.currency),
                    s.currentPeriodStart, s.currentPeriodEnd, now, s.currency);
            SubscriptionStatus before = moveStatus(s, SubscriptionStatus.CANCELED, now);
            s.cancelAtPeriodEnd = false;
            s.updatedAt = now;
            record(s, "canceled", now, before, SubscriptionStatus.CANCELED, reason, actor);
            return ChangeResult.of(toView(s), ChangeTiming.NOW.wire(), credit);
        }
        s.cancelAtPeriodEnd = true;
        s.updatedAt = now;
        record(s, "cancel_scheduled", now, null, null, reason, actor);
        return ChangeResult.of(toView(s), s.currentPeriodEnd.toString(), BigDecimal.ZERO);
    }

    /**
     * Undoes a scheduled cancellation, or restarts a canceled subscription on its plan from now (a new
     * period starts; the canceled remainder stays unbilled).
     */
    @Transactional
    public SubscriptionView reactivate(String orgId, String actor) {
        Subscription s = current(orgId);
        Instant now = clock.instant();
        if (s.status == SubscriptionStatus.CANCELED) {
            // the canceled status itself is what is being undone; nothing else may block the restart
            gate.requireOpenIgnoringCancellation(orgId);
            PlanDefinition plan = plans.definition(s.planSlug, s.planVersion);
            Period period = Periods.containing(now, zone(orgId), plan.interval);
            s.currentPeriodStart = period.start();
            s.currentPeriodEnd = period.end();
            SubscriptionStatus before = moveStatus(s, SubscriptionStatus.ACTIVE, now);
            s.updatedAt = now;
            record(s, "reactivated", now, before, SubscriptionStatus.ACTIVE, "reactivated", actor);
            return toView(s);
        }
        if (!s.cancelAtPeriodEnd) {
            throw ApiException.conflict("subscription_not_canceling", "The subscription is not being canceled.");
        }
        s.cancelAtPeriodEnd = false;
        s.updatedAt = now;
        record(s, "cancel_revoked", now, null, null, "scheduled cancellation revoked", actor);
        return toView(s);
    }

    /** Currency changes at the next period only: one invoice never mixes currencies. */
    @Transactional
    public SubscriptionView switchCurrency(String orgId, String currency, String actor) {
        existing(orgId);
        try {
            java.util.Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + currency + "' is not an ISO-4217 currency.");
        }
        // asked before the subscription row is locked: no lock is held while invoice-service answers (or times out)
        refuseWithUnsettledInvoice(orgId);
        Subscription s = current(orgId);
        requireLive(s);
        if (currency.equals(s.currency)) {
            throw ApiException.conflict("currency_unchanged", "The subscription already bills in " + currency + ".");
        }
        PlanDefinition next = s.pendingPlanSlug != null
                ? plans.definition(s.pendingPlanSlug, s.pendingPlanVersion)
                : plans.definition(s.planSlug, s.planVersion);
        requireBillable(next, currency);
        requireLateUsageConvertible(plans.definition(s.planSlug, s.planVersion), s.currency, currency);
        Instant now = clock.instant();
        s.pendingCurrency = currency;
        s.updatedAt = now;
        record(s, "currency_switch_scheduled", now, null, null, s.currency + " to " + currency, actor);
        return toView(s);
    }

    private void refuseWithUnsettledInvoice(String orgId) {
        java.util.Optional<InvoiceApi.Item> open;
        try {
            open = invoices.firstUnsettled(orgId);
        } catch (RuntimeException e) {
            // fail closed: an unchecked switch could leave an invoice to be collected in a currency no longer billed
            throw new ApiException(503, "invoice_service_unavailable", "Service unavailable",
                    "Could not check for open invoices (invoice-service did not answer); nothing was changed.");
        }
        open.ifPresent(invoice -> {
            throw ApiException.conflict("open_invoice", "Invoice " + (invoice.number() == null
                    ? invoice.id()
                    : invoice.number()) + " is " + invoice.status()
                    + "; settle or void it before switching currency.");
        });
    }

    @Transactional
    public SubscriptionView switchBillingMode(String orgId, String requested, String actor) {
        BillingMode mode = BillingMode.parse(requested);
        Subscription s = current(orgId);
        requireLive(s);
        BillingAccount account = existing(orgId);
        if (!s.billingMode.mayMoveTo(mode)) {
            throw ApiException.conflict("billing_mode_unchanged", "The subscription is already " + mode.wire() + ".");
        }
        if (mode == BillingMode.METERED) {
            if (!account.meteredEnabled) {
                throw ApiException.unprocessable("metered_not_enabled",
                        "Metered billing is not enabled for this organisation.");
            }
            if (!hasMeteredPrice(plans.definition(s.planSlug, s.planVersion))) {
                throw ApiException.unprocessable("metered_price_missing",
                        "The plan has no metered Stripe price configured.");
            }
        }
        Instant now = clock.instant();
        s.billingMode = mode;
        s.updatedAt = now;
        record(s, "billing_mode_changed", now, null, null, "to " + mode.wire(), actor);
        return toView(s);
    }

    /**
     * Moves a subscription whose period has ended into the next one, applying what was scheduled for the
     * period end. Row-locked, so two replicas (or the scheduler and a request) never roll the same period twice.
     */
    @Transactional
    public void rollOver(String orgId) {
        Subscription s = subscriptions.find("orgId", orgId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        if (s != null) {
            rollOverLocked(s);
        }
    }

    /** Dunning and webhook transitions: the status moves, the timeline says why. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void transition(Subscription s, SubscriptionStatus toStatus, String reason, String actor, Instant at) {
        if (toStatus == s.status) {
            return;
        }
        SubscriptionStatus before = moveStatus(s, toStatus, at);
        s.updatedAt = clock.instant();
        // a late change (a dunning step caught up, a webhook arriving late) carries the plan and currency in effect
        // at its effective instant, not the ones of the moment it is recorded
        SubscriptionEvent inEffect = events.inEffectAt(s.orgId, at).orElse(null);
        record(s, "status_changed", at, before, toStatus, reason, actor,
                inEffect == null ? s.planSlug : inEffect.planSlug,
                inEffect == null ? s.planVersion : inEffect.planVersion,
                inEffect == null ? s.currency : inEffect.currency);
    }

    public Subscription locked(String orgId) {
        Subscription s = subscriptions.find("orgId", orgId).withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResultOptional().orElseThrow(() -> ApiException.notFound("account_not_found",
                        "Organisation '" + orgId + "' has no billing account."));
        return s;
    }

    private void rollOverLocked(Subscription s) {
        Instant now = clock.instant();
        ZoneId zone = zone(s.orgId);
        while (s.status != SubscriptionStatus.CANCELED && !s.currentPeriodEnd.isAfter(now)) {
            Instant boundary = s.currentPeriodEnd;
            if (s.cancelAtPeriodEnd) {
                SubscriptionStatus before = moveStatus(s, SubscriptionStatus.CANCELED, boundary);
                s.cancelAtPeriodEnd = false;
                record(s, "canceled", boundary, before, SubscriptionStatus.CANCELED, "canceled at period end",
                        "system");
                break;
            }
            if (s.pendingPlanSlug != null) {
                s.planSlug = s.pendingPlanSlug;
                s.planVersion = s.pendingPlanVersion;
                s.pendingPlanSlug = null;
                s.pendingPlanVersion = null;
                record(s, "plan_changed", boundary, null, null, "scheduled change applied at period end", "system");
            }
            if (s.pendingCurrency != null) {
                s.currency = s.pendingCurrency;
                s.pendingCurrency = null;
                record(s, "currency_changed", boundary, null, null, "scheduled currency switch applied", "system");
            }
            Period next = Periods.following(boundary, zone, plans.definition(s.planSlug, s.planVersion).interval);
            s.currentPeriodStart = next.start();
            s.currentPeriodEnd = next.end();
            record(s, "renewed", boundary, null, null, "new period", "system");
        }
        s.updatedAt = now;
    }

    /** Moves the subscription to {@code target} at once; a scheduled change is superseded. */
    private void switchNow(Subscription s, PlanDefinition target, boolean upgrade, String reason, String actor) {
        Instant now = clock.instant();
        s.planSlug = target.slug;
        s.planVersion = target.version;
        s.pendingPlanSlug = null;
        s.pendingPlanVersion = null;
        if (s.billingMode == BillingMode.METERED && !hasMeteredPrice(target)) {
            s.billingMode = BillingMode.FLAT; // metered billing needs the plan's metered price
        }
        s.updatedAt = now;
        record(s, upgrade ? "upgraded" : "downgraded", now, null, null, reason, actor);
    }

    private Subscription current(String orgId) {
        Subscription s = locked(orgId);
        rollOverLocked(s);
        return s;
    }

    private BillingAccount existing(String orgId) {
        return accounts.findByOrg(orgId).orElseThrow(() -> ApiException.notFound("account_not_found",
                "Organisation '" + orgId + "' has no billing account."));
    }

    private ZoneId zone(String orgId) {
        return ZoneId.of(existing(orgId).timeZone);
    }

    /**
     * The one place a status changes, refused unless the lifecycle allows the move ({@link SubscriptionStatus#mayMoveTo});
     * answers the status before. A cancellation is dated, a restart clears that date.
     */
    private static SubscriptionStatus moveStatus(Subscription s, SubscriptionStatus next, Instant at) {
        SubscriptionStatus before = s.status;
        before.requireMayMoveTo(next);
        s.status = next;
        s.statusChangedAt = at;
        if (next == SubscriptionStatus.CANCELED) {
            s.canceledAt = at;
        } else if (before == SubscriptionStatus.CANCELED) {
            s.canceledAt = null;
        }
        return before;
    }

    private static void requireLive(Subscription s) {
        if (s.status == SubscriptionStatus.CANCELED) {
            throw ApiException.conflict("subscription_canceled", "The subscription is canceled; reactivate it first.");
        }
    }

    /** The currencies a subscription bills in now and from the next period (read without a lock). */
    private List<String> currencies(String orgId) {
        return subscriptions.currencyAndPending(orgId).map(c -> currencies(c[0], c[1])).orElse(List.of());
    }

    private static List<String> currencies(Subscription s) {
        return currencies(s.currency, s.pendingCurrency);
    }

    private static List<String> currencies(String currency, String pending) {
        return pending == null || pending.equals(currency) ? List.of(currency) : List.of(currency, pending);
    }

    /**
     * A plan billing usage at provider cost plus markup (pay_per_token, metered, enterprise) converts the cost,
     * recorded in the catalog's currency, through invoice-service's exchange-rate table: without a rate for the
     * pair the close would fail, so the change is refused now (409 {@code exchange_rate_missing}), failing closed
     * when invoice-service cannot be asked. Count-based plans never convert.
     */
    private void requireBillable(PlanDefinition plan, String currency) {
        price(plan, currency);
        requireConvertible(plan, currency);
    }

    private void requireConvertible(PlanDefinition plan, String currency) {
        if (!costPlus(plan) || currency.equals(usageCostCurrency)) {
            return;
        }
        if (!rateRecorded(usageCostCurrency, currency)) {
            throw ApiException.conflict("exchange_rate_missing", "Plan '" + plan.slug + "' bills usage at provider"
                    + " cost, recorded in " + usageCostCurrency + "; invoice-service has no " + usageCostCurrency
                    + " to " + currency + " exchange rate, so it could not invoice in " + currency
                    + ". A platform operator records one first (PUT /v1/exchange-rates/…).");
        }
    }

    /**
     * Usage of the last period in the old currency that is recorded after its close (late usage) is priced in the
     * old currency and converts into the new one through the old period's recorded rate (billing-rules "Invoices"
     * rule 7). When the plan billing that period charges for usage at all (provider cost or overage), a switch
     * without an old → new rate could leave such usage unbillable, so it is refused now (409
     * {@code exchange_rate_missing}), failing closed like the cost-plus check.
     */
    private void requireLateUsageConvertible(PlanDefinition current, String from, String to) {
        if (!chargesUsage(current) || from.equals(to)) {
            return;
        }
        if (!rateRecorded(from, to)) {
            throw ApiException.conflict("exchange_rate_missing", "Plan '" + current.slug + "' charges for usage:"
                    + " usage of this period recorded after its close is priced in " + from + " and converts into "
                    + to + " at the period's rate, and invoice-service has no " + from + " to " + to
                    + " exchange rate. A platform operator records one first (PUT /v1/exchange-rates/…).");
        }
    }

    private boolean rateRecorded(String from, String to) {
        try {
            return invoices.rateRecorded(from, to);
        } catch (RuntimeException e) {
            throw new ApiException(503, "invoice_service_unavailable", "Service unavailable",
                    "Could not ask invoice-service for a " + from + " to " + to
                            + " exchange rate; nothing was changed.");
        }
    }

    private static boolean costPlus(PlanDefinition plan) {
        return switch (plan.billingModel) {
            case "pay_per_token", "metered", "enterprise" -> true;
            default -> false;
        };
    }

    /** Whether the plan charges anything for usage (provider cost, or an overage tier beyond its allowances). */
    private static boolean chargesUsage(PlanDefinition plan) {
        return costPlus(plan) || !PlanService.view(plan, null).overage().isEmpty();
    }

    private static BigDecimal price(PlanDefinition plan, String currency) {
        PlanVersionView v = io.accrue.subscription.plan.PlanService.view(plan, currency);
        if (!v.basePrices().containsKey(currency)) {
            throw ApiException.unprocessable("plan_not_offered_in_currency",
                    "Plan '" + plan.slug + "' has no price in " + currency + ".");
        }
        return v.basePrices().get(currency);
    }

    private static boolean hasMeteredPrice(PlanDefinition plan) {
        String metered = PlanService.view(plan, null).stripePriceIds().get("metered");
        return metered != null && !metered.isBlank();
    }

    SubscriptionView toView(Subscription s) {
        PendingChange pending = s.pendingPlanSlug == null && s.pendingCurrency == null
                ? null
                : new PendingChange(s.pendingPlanSlug, s.pendingPlanVersion, s.pendingCurrency);
        return new SubscriptionView(s.orgId, s.status.wire(), s.currentPeriodStart, s.currentPeriodEnd,
                s.cancelAtPeriodEnd, s.canceledAt, s.currency, s.billingMode.wire(),
                PlanService.view(plans.definition(s.planSlug, s.planVersion), s.currency), pending,
                s.statusChangedAt);
    }

    private void record(Subscription s, String type, Instant effectiveAt, SubscriptionStatus fromStatus,
            SubscriptionStatus toStatus, String reason, String actor) {
        record(s, type, effectiveAt, fromStatus, toStatus, reason, actor, s.planSlug, s.planVersion, s.currency);
    }

    /** Appends an event naming the plan and currency in effect after it, at its effective instant. */
    private void record(Subscription s, String type, Instant effectiveAt, SubscriptionStatus fromStatus,
            SubscriptionStatus toStatus, String reason, String actor, String planSlug, int planVersion,
            String currency) {
        SubscriptionEvent e = new SubscriptionEvent();
        e.id = UUID.randomUUID();
        e.orgId = s.orgId;
        e.type = type;
        e.occurredAt = clock.instant();
        e.effectiveAt = effectiveAt;
        e.planSlug = planSlug;
        e.planVersion = planVersion;
        e.fromStatus = fromStatus;
        e.toStatus = toStatus;
        e.currency = currency;
        e.reason = reason;
        e.actor = actor;
        events.persist(e);
        java.util.Map<String, Object> before = s.auditedState;
        java.util.Map<String, Object> after = s.auditState();
        s.auditedState = after; // a second change in the same transaction starts from this one
        audit.record(s.orgId, actor, "subscription." + type, "subscription", before, after);
        publish(s, e);
    }

    /**
     * Every timeline entry is also a billing event for the organisation's webhook endpoints, under an id derived
     * from the entry's (stable across retries and replays): created, canceled, or updated for anything else.
     */
    private void publish(Subscription s, SubscriptionEvent e) {
        String type = "created".equals(e.type)
                ? "subscription.created"
                : e.toStatus == SubscriptionStatus.CANCELED && e.fromStatus != SubscriptionStatus.CANCELED
                        ? "subscription.canceled"
                        : "subscription.updated";
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("orgId", s.orgId);
        data.put("subscriptionId", s.id.toString());
        data.put("change", e.type);
        data.put("plan", e.planSlug);
        data.put("planVersion", e.planVersion);
        data.put("currency", e.currency);
        data.put("status", s.status.wire());
        data.put("fromStatus", e.fromStatus == null ? null : e.fromStatus.wire());
        data.put("toStatus", e.toStatus == null ? null : e.toStatus.wire());
        data.put("reason", e.reason);
        data.put("effectiveAt", e.effectiveAt.toString());
        billingEvents.publish(type, s.orgId, e.id, e.occurredAt, data);
    }
}
