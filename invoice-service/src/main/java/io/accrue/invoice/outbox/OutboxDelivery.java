package io.accrue.invoice.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.outbox.OutboxStatus;
import io.accrue.invoice.client.ContractClient;
import io.accrue.invoice.client.ContractRecords;
import io.accrue.invoice.client.ContractRecords.Drawdown;
import io.accrue.invoice.client.NeighbourRejected;
import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.quarkus.arc.All;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Delivers outbox entries: each claimed under a lease (common's {@code LeasedClaims}: {@code FOR UPDATE SKIP LOCKED},
 * replicas share the work and a worker that dies mid-delivery leaves the entry to the next one), delivered
 * with its deterministic idempotency key (a retry after a crash is recognised by Stripe or contract-service),
 * and on failure retried with backoff. Nothing is lost while Stripe or a neighbour is down. Kinds owned by a feature
 * (the Stripe pushes of organisation and end-user invoices) are handed to their {@link OutboxHandler}.
 */
@ApplicationScoped
public class OutboxDelivery {

    private static final Logger LOG = Logger.getLogger(OutboxDelivery.class);
    public static final int MAX_ATTEMPTS = 20;

    private final OutboxRepository outbox;
    private final InvoiceRepository invoices;
    private final ContractClient contractClient;
    private final io.accrue.invoice.InvoiceConfig config;
    private final Map<String, OutboxHandler> handlers;
    private final Clock clock;

    OutboxDelivery(OutboxRepository outbox, InvoiceRepository invoices, ContractClient contractClient,
            io.accrue.invoice.InvoiceConfig config,
            @All List<OutboxHandler> handlers, Clock clock) {
        this.config = config;
        this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(OutboxHandler::kind,
                Function.identity()));
        this.outbox = outbox;
        this.invoices = invoices;
        this.contractClient = contractClient;
        this.clock = clock;
    }

    @Scheduled(every = "${accrue.invoice.outbox-every:15s}", delayed = "20s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        if (config.backgroundJobs()) {
            deliverDue(500);
        }
    }

    /** Delivers up to {@code max} due entries; returns how many were attempted. */
    public int deliverDue(int max) {
        int attempted = 0;
        while (attempted < max && deliverOne()) {
            attempted++;
        }
        return attempted;
    }

    boolean deliverOne() {
        Optional<Claim<UUID>> claimed = outbox.claimDue(clock.instant());
        if (claimed.isEmpty()) {
            return false;
        }
        Claim<UUID> claim = claimed.get();
        try {
            QuarkusTransaction.requiringNew().run(() -> outbox.lockPending(claim.id()).ifPresent(entry -> {
                deliver(entry);
                entry.status = OutboxStatus.DELIVERED;
                entry.deliveredAt = clock.instant();
                entry.lastError = null;
            }));
        } catch (RuntimeException e) {
            failed(claim, e);
        }
        return true;
    }

    private void deliver(OutboxEntry entry) {
        OutboxHandler handler = handlers.get(entry.kind);
        if (handler != null) {
            handler.deliver(entry);
            return;
        }
        Invoice invoice = invoices.findById(entry.invoiceId);
        switch (entry.kind) {
            case OutboxEntry.CONTRACT_DRAWDOWN -> contractClient.drawdown(invoice.orgId, invoice.contractId,
                    // at the currency's scale: the stored NUMERIC(24,4) padding is not part of the amount
                    new Drawdown(invoice.id, invoice.periodStart, invoice.periodEnd,
                            Rounding.present(invoice.commitmentDrawdown, invoice.currency),
                            Rounding.present(invoice.creditsApplied, invoice.currency),
                            // consumes the credits the close reserved for this period (if it reserved any)
                            ContractRecords.reservationReference(invoice.periodStart, invoice.periodEnd)));
            case OutboxEntry.CONTRACT_CREDIT_RETURN -> returnCredits(invoice);
            default -> throw new IllegalStateException("unknown outbox kind " + entry.kind);
        }
    }

    /**
     * A credit note's credits (and the commitment consumption of the usage it credits) go back only after contract-service recorded the drawdown that applied them (it checks
     * the return against it); until then the entry waits, retried like any delivery.
     */
    private void returnCredits(Invoice note) {
        Invoice original = invoices.findById(note.correctsInvoiceId);
        boolean drawdownRecorded = outbox.ofInvoice(original.id).stream()
                .filter(e -> e.kind.equals(OutboxEntry.CONTRACT_DRAWDOWN))
                .allMatch(e -> e.status == OutboxStatus.DELIVERED);
        if (!drawdownRecorded) {
            throw new IllegalStateException("waits for the drawdown of invoice " + original.id);
        }
        contractClient.giveBackCredits(note.orgId, original.contractId, new ContractRecords.CreditReturn(note.id,
                original.id, Rounding.present(note.creditsReturned, note.currency),
                Rounding.present(note.commitmentReturned, note.currency)));
    }

    private void failed(Claim<UUID> claim, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        QuarkusTransaction.requiringNew().run(() -> {
            OutboxEntry entry = outbox.findById(claim.id());
            Instant now = clock.instant();
            // the claim counted the attempt (one that crashed the worker counts too)
            entry.lastError = message.length() > 1000 ? message.substring(0, 1000) : message;
            entry.nextAttemptAt = outbox.retryAt(now, claim.attempt());
            // a neighbour's 4xx is its final answer: retrying as if it were down would only hide it from operators
            boolean exhausted = claim.attempt() >= MAX_ATTEMPTS || NeighbourRejected.in(e) != null;
            if (exhausted) {
                entry.status = OutboxStatus.FAILED;
            }
            LOG.warnf("outbox %s (%s, invoice %s) failed, attempt %d: %s", entry.id, entry.kind,
                    entry.invoiceId != null ? entry.invoiceId : entry.endUserInvoiceId, entry.attempts, message);
            OutboxHandler handler = handlers.get(entry.kind);
            if (handler != null) {
                handler.failed(entry, e, exhausted);
            }
        });
    }
}
