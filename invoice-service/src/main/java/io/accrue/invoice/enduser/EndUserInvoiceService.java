package io.accrue.invoice.enduser;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.common.outbox.OutboxStatus;
import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.client.UsageClient;
import io.accrue.invoice.client.UsageRecords.EndUserCounters;
import io.accrue.invoice.client.UsageRecords.Summary;
import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;
import io.accrue.invoice.stripe.StripeInvoiceGateway;
import io.accrue.invoice.stripe.StripeInvoiceGateway.ConnectedAccount;
import io.accrue.invoice.stripe.StripeInvoiceGateway.StripeRefused;
import io.accrue.invoice.stripe.StripeInvoiceGateway.StripeUnavailable;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * End-user invoicing: one invoice per end user with revenue in the period, at usage-service's per-user revenue
 * (cost after the end user's rate plan), rounded once; the platform's application fee is a percentage of it,
 * rounded once. Idempotent per (organisation, end user, period). A {@code stripe_connect} invoice is queued in the
 * outbox in the same transaction and pushed to the connected account by {@link ConnectDelivery}.
 */
@ApplicationScoped
public class EndUserInvoiceService {

    public static final String EXPORT = "export";
    public static final String STRIPE_CONNECT = "stripe_connect";

    public record Generate(@NotNull Instant periodStart, @NotNull Instant periodEnd,
            @NotNull @Size(max = 16) @Pattern(regexp = "export|stripe_connect", message = "must be export or stripe_connect") String delivery,
            @Size(max = 255) @Pattern(regexp = "acct_[A-Za-z0-9]+", message = "must be a Stripe account id (acct_…)") String connectedAccountId,
            @DecimalMin("0") @DecimalMax("100") BigDecimal applicationFeePercent,
            @Min(1) @Max(365) Integer daysUntilDue) {}

    public record EndUserInvoiceView(UUID id, String endUserId, Instant periodStart, Instant periodEnd, String currency,
            long totalTokens, long requests, BigDecimal amount, BigDecimal applicationFeePercent,
            BigDecimal applicationFee, String delivery, String connectedAccountId, String status, Instant createdAt,
            Integer daysUntilDue, String stripeCustomerId, String stripeInvoiceId, String hostedInvoiceUrl,
            int deliveryAttempts, String lastDeliveryError, Instant sentAt, Instant settledAt) {

        static EndUserInvoiceView of(EndUserInvoice i) {
            return new EndUserInvoiceView(i.id, i.endUserId, i.periodStart, i.periodEnd, i.currency, i.totalTokens,
                    i.requests, Rounding.present(i.amount, i.currency), Rounding.plain(i.applicationFeePercent),
                    Rounding.present(i.applicationFee, i.currency), i.delivery, i.connectedAccountId, i.status.wire(),
                    i.createdAt, i.daysUntilDue, i.stripeCustomerId, i.stripeInvoiceId, i.hostedInvoiceUrl,
                    i.deliveryAttempts, i.lastDeliveryError, i.sentAt, i.settledAt);
        }
    }

    public record GenerateResult(int created, int alreadyInvoiced, List<EndUserInvoiceView> invoices) {}

    private final SubscriptionClient subscriptionClient;
    private final UsageClient usageClient;
    private final StripeInvoiceGateway stripe;
    private final OutboxRepository outbox;
    private final InvoiceConfig config;
    private final EndUserInvoiceRepository invoices;
    private final Clock clock;

    EndUserInvoiceService(SubscriptionClient subscriptionClient, UsageClient usageClient, StripeInvoiceGateway stripe,
            OutboxRepository outbox,
            InvoiceConfig config, EndUserInvoiceRepository invoices, Clock clock) {
        this.subscriptionClient = subscriptionClient;
        this.usageClient = usageClient;
        this.stripe = stripe;
        this.outbox = outbox;
        this.config = config;
        this.invoices = invoices;
        this.clock = clock;
    }

    /**
     * Reads everything first (account, subscription, usage, the connected account), with no transaction open, then
     * writes in one short transaction under a per-organisation lock, so two overlapping requests cannot both pass
     * the overlap check.
     */
    public GenerateResult generate(String orgId, Generate request) {
        Instant now = clock.instant();
        if (!request.periodStart().isBefore(request.periodEnd()) || request.periodEnd().isAfter(now)) {
            throw ApiException.unprocessable("period_invalid",
                    "The period must be [start, end) with end not after now.");
        }
        Account account = requireBillingPeriod(orgId, request, now);
        boolean connect = request.delivery().equals(STRIPE_CONNECT);
        String connectedAccountId = null;
        if (connect) {
            connectedAccountId = connectedAccount(request.connectedAccountId(), account.stripeConnectAccountId());
            checkConnectedAccount(connectedAccountId);
        } else if (request.connectedAccountId() != null || request.daysUntilDue() != null) {
            throw ApiException.unprocessable("delivery_option_unexpected",
                    "connectedAccountId and daysUntilDue apply only to delivery \"stripe_connect\".");
        }
        Summary summary;
        try {
            summary = usageClient.usage(orgId, request.periodStart(), request.periodEnd(), now);
        } catch (NeighbourUnavailable | org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException e) {
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "usage-service could not answer just now; nothing was invoiced.");
        }
        if (summary.totals() != null && summary.totals().unpricedEvents() > 0) {
            throw ApiException.conflict("usage_not_priced", "Some usage of the period is not priced yet.");
        }
        String currency = summary.currency() == null ? "USD" : summary.currency();
        BigDecimal feePercent = request.applicationFeePercent() == null
                ? BigDecimal.ZERO
                : request.applicationFeePercent();
        Integer daysUntilDue = !connect
                ? null
                : request.daysUntilDue() != null ? request.daysUntilDue() : config.connect().daysUntilDue();
        String onAccount = connectedAccountId;
        return QuarkusTransaction.requiringNew().call(() -> write(orgId, request, summary, currency, feePercent,
                daysUntilDue, connect, onAccount, now));
    }

    private GenerateResult write(String orgId, Generate request, Summary summary, String currency,
            BigDecimal feePercent, Integer daysUntilDue, boolean connect, String connectedAccountId, Instant now) {
        // one writer per organisation at a time: the overlap check below and the inserts are then atomic
        invoices.lockOrganisation(orgId);
        if (invoices.overlapsAnotherPeriod(orgId, request.periodStart(), request.periodEnd())) {
            throw ApiException.unprocessable("period_overlaps_invoiced", "End users of this organisation are already"
                    + " invoiced for a period overlapping [" + request.periodStart() + ", " + request.periodEnd()
                    + "); their usage is never invoiced twice. Nothing was invoiced.");
        }
        int created = 0;
        int existing = 0;
        for (EndUserCounters u : summary.byEndUser() == null ? List.<EndUserCounters>of() : summary.byEndUser()) {
            if (u.revenue() == null || u.revenue().signum() <= 0) {
                continue;
            }
            BigDecimal amount = Rounding.toMinorUnit(u.revenue(), currency);
            BigDecimal fee = Rounding.toMinorUnit(amount.multiply(feePercent).movePointLeft(2), currency);
            EndUserInvoice row = new EndUserInvoice();
            row.id = UUID.randomUUID();
            row.orgId = orgId;
            row.endUserId = u.endUserId();
            row.periodStart = request.periodStart();
            row.periodEnd = request.periodEnd();
            row.currency = currency;
            row.totalTokens = u.totalTokens();
            row.requests = u.requests();
            row.revenueUnrounded = u.revenue();
            row.amount = amount;
            row.applicationFeePercent = feePercent;
            row.applicationFee = fee;
            row.delivery = request.delivery();
            row.connectedAccountId = connectedAccountId;
            row.status = connect ? EndUserInvoiceStatus.PENDING_DELIVERY : EndUserInvoiceStatus.OPEN;
            row.createdAt = now;
            row.daysUntilDue = daysUntilDue;
            UUID id = row.id;
            if (invoices.insertOnce(row)) {
                created++;
                if (connect) {
                    // same transaction as the invoice: it is pushed exactly when it exists
                    outbox.enqueueEndUserInvoice(OutboxEntry.STRIPE_CONNECT_INVOICE, id, "accrue-eui-" + id, now);
                }
            } else {
                existing++;
            }
        }
        return new GenerateResult(created, existing, list(orgId, request.periodStart(), request.periodEnd()));
    }

    /**
     * The account the invoices go out on: the organisation's stored one (subscription-service, set once by an owner),
     * or the one the request names when none is stored. A request naming another account than the stored one is
     * refused: invoices of one organisation never land on two Stripe accounts by a typo.
     */
    private static String connectedAccount(String requested, String stored) {
        if (requested != null && stored != null && !requested.equals(stored)) {
            throw ApiException.unprocessable("connected_account_mismatch", "The organisation's Stripe Connect account"
                    + " is " + stored + "; the request names " + requested + ". Change the stored account first"
                    + " (PUT /v1/accounts/{orgId}/stripe-connect on subscription-service) or leave connectedAccountId out.");
        }
        return requested != null ? requested : stored;
    }

    private Account requireBillingPeriod(String orgId, Generate request, Instant now) {
        Account account;
        Subscription subscription;
        try {
            account = subscriptionClient.account(orgId);
            subscription = subscriptionClient.subscription(orgId);
        } catch (NeighbourUnavailable e) {
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "subscription-service could not answer just now; nothing was invoiced.");
        }
        ZoneId zone = account.timeZone() == null ? ZoneId.of("UTC") : ZoneId.of(account.timeZone());
        String interval = subscription.plan() == null ? "month" : subscription.plan().interval();
        EndUserPeriods.check(request.periodStart(), request.periodEnd(), now, zone, interval, account.createdAt())
                .ifPresent(r -> {
                    throw ApiException.unprocessable(r.code(), r.detail());
                });
        return account;
    }

    /**
     * Asks Stripe before anything is stored: an account the platform cannot reach would otherwise fail every
     * delivery for hours before anyone hears of it.
     */
    private void checkConnectedAccount(String accountId) {
        if (accountId == null) {
            throw ApiException.unprocessable("connected_account_required",
                    "Delivery \"stripe_connect\" needs the organisation's Stripe Connect account: store it once"
                            + " (PUT /v1/accounts/{orgId}/stripe-connect on subscription-service) or pass connectedAccountId.");
        }
        ConnectedAccount account;
        try {
            account = stripe.connectedAccount(accountId);
        } catch (StripeRefused e) {
            if (e.status() >= 400 && e.status() < 500 && e.status() != 429) {
                throw new ApiException(422, "connected_account_invalid", "Unprocessable request",
                        "Stripe does not give this platform access to account " + accountId
                                + "; nothing was invoiced.",
                        e.stripeCode() == null ? Map.of() : Map.of("stripeCode", e.stripeCode()));
            }
            throw stripeUnavailable();
        } catch (StripeUnavailable e) {
            throw stripeUnavailable();
        }
        if (!account.chargesEnabled()) {
            throw ApiException.unprocessable("connected_account_not_ready", "Connected account " + accountId
                    + " cannot accept payments yet (Stripe: charges_enabled is false); nothing was invoiced.");
        }
    }

    private static ApiException stripeUnavailable() {
        return new ApiException(502, "stripe_unavailable", "Bad gateway",
                "Stripe could not be asked about the connected account just now; nothing was invoiced.");
    }

    @Transactional
    public List<EndUserInvoiceView> list(String orgId, Instant periodStart, Instant periodEnd) {
        return invoices.ofPeriod(orgId, periodStart, periodEnd).stream().map(EndUserInvoiceView::of).toList();
    }

    @Transactional
    public EndUserInvoiceView get(String orgId, UUID id) {
        return EndUserInvoiceView.of(find(orgId, id));
    }

    /**
     * Puts an invoice whose delivery failed back in the outbox with a fresh attempt budget. Its key generation moves
     * on: Stripe forgets idempotency keys after 24 hours, so this attempt reads what exists before it writes.
     */
    @Transactional
    public EndUserInvoiceView redeliver(String orgId, UUID id) {
        EndUserInvoice invoice = find(orgId, id);
        if (!invoice.status.mayMoveTo(EndUserInvoiceStatus.PENDING_DELIVERY)) {
            throw ApiException.conflict("delivery_not_failed",
                    "Only an invoice whose delivery failed can be delivered again; this one is " + invoice.status.wire()
                            + ".");
        }
        OutboxEntry entry = outbox.ofEndUserInvoice(id).orElseThrow();
        invoice.status = EndUserInvoiceStatus.PENDING_DELIVERY;
        invoice.stripeKeyGeneration++;
        entry.status = OutboxStatus.PENDING;
        entry.attempts = 0;
        entry.lastError = null;
        entry.nextAttemptAt = clock.instant();
        return EndUserInvoiceView.of(invoice);
    }

    private EndUserInvoice find(String orgId, UUID id) {
        EndUserInvoice invoice = invoices.findById(id);
        if (invoice == null || !invoice.orgId.equals(orgId)) {
            throw ApiException.notFound("end_user_invoice_not_found",
                    "No end-user invoice " + id + " in organisation " + orgId + ".");
        }
        return invoice;
    }
}
