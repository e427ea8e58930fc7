package io.accrue.invoice.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.AccountPage;
import io.accrue.invoice.correction.TimelineCorrections;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Does the work of a run, resumably: planning lists the accounts into work items (once each), then each item is
 * claimed with {@code FOR UPDATE SKIP LOCKED} under a lease and its account closed by {@link AccountCloser}
 * (gather with no transaction open, then one short persisting transaction per period). A worker killed halfway
 * leaves its item to the next worker once the lease ends; the ledger and the database's one-invoice-per-period
 * rule make the second close find what the first committed. Any number of workers (threads or replicas) can
 * drive the same run at once.
 */
@ApplicationScoped
public class BillingRunWorker {

    private static final Logger LOG = Logger.getLogger(BillingRunWorker.class);
    /** How long a claimed item is left to its worker before another one may take it (a close takes seconds). */
    static final Duration LEASE = Duration.ofMinutes(10);

    private final BillingRunRepository runs;
    private final BillingRunItemRepository items;
    private final AccountCloser closer;
    private final TimelineCorrections corrections;
    private final SubscriptionClient subscriptionClient;
    private final InvoiceConfig config;
    private final Clock clock;
    private final LeasedClaims queue;

    BillingRunWorker(BillingRunRepository runs, BillingRunItemRepository items, AccountCloser closer,
            TimelineCorrections corrections, SubscriptionClient subscriptionClient, InvoiceConfig config, Clock clock) {
        this.corrections = corrections;
        this.runs = runs;
        this.items = items;
        this.closer = closer;
        this.subscriptionClient = subscriptionClient;
        this.config = config;
        this.clock = clock;
        this.queue = BillingRunItemRepository.queue(LEASE,
                new Backoff(config.runs().retryDelay(), Duration.ofHours(1)));
    }

    /** Plans (if needed) and processes up to {@code maxItems} due items; returns how many it processed. */
    public int drive(UUID runId, int maxItems) {
        if (!plan(runId)) {
            return 0;
        }
        int processed = 0;
        while (processed < maxItems && processNext(runId)) {
            processed++;
        }
        finish(runId);
        return processed;
    }

    /** Lists every account into the run; safe to repeat. False if the account list could not be read. */
    boolean plan(UUID runId) {
        BillingRun run = QuarkusTransaction.requiringNew().call(() -> runs.findById(runId));
        if (run.status != RunStatus.PLANNING) {
            return true;
        }
        List<String> orgs = new ArrayList<>();
        try {
            String cursor = null;
            do {
                AccountPage page = subscriptionClient.accounts(cursor);
                page.items().stream().map(Account::orgId).forEach(orgs::add);
                cursor = page.hasMore() ? page.nextCursor() : null;
            } while (cursor != null);
        } catch (RuntimeException e) {
            // no accounts, no guesses: the run stays in planning and the next trigger or resume tries again
            LOG.warnf("billing run %s: cannot list accounts: %s", runId, e.getMessage());
            QuarkusTransaction.requiringNew().run(() -> runs.findById(runId).lastError = truncate(e.getMessage()));
            return false;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = clock.instant();
            orgs.forEach(org -> items.addOnce(runId, org, now));
            BillingRun r = runs.findById(runId);
            r.status = RunStatus.RUNNING;
            r.plannedAt = now;
            r.lastError = null;
        });
        return true;
    }

    /**
     * Claims one item and closes its account. The claim is a lease, committed at once: the close then talks to the
     * neighbours with no transaction open, and a worker that dies mid-close leaves the item to be taken again when
     * the lease runs out (the ledger makes the second close find what the first one committed).
     */
    boolean processNext(UUID runId) {
        Optional<Claim<UUID>> claimed = items.claimNext(queue, runId, clock.instant());
        if (claimed.isEmpty()) {
            return false;
        }
        UUID itemId = claimed.get().id();
        String orgId = QuarkusTransaction.requiringNew().call(() -> items.findById(itemId).orgId);
        Instant asOf = QuarkusTransaction.requiringNew().call(() -> runs.findById(runId).asOf);
        AccountCloser.Outcome outcome;
        try {
            outcome = closer.close(orgId, asOf);
        } catch (RuntimeException e) {
            recordFailure(itemId, e);
            return true;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            BillingRunItem item = items.findById(itemId);
            item.status = RunItemStatus.DONE;
            item.outcome = outcome.outcome();
            item.invoiceId = outcome.invoiceId();
            item.lastError = null;
            item.updatedAt = clock.instant();
        });
        correctTimeline(orgId);
        return true;
    }

    /**
     * After an account's close, outside its transaction: credit notes for invoiced periods the timeline changed since
     * (billing-rules "Invoices" rule 12a). Idempotent, so a failure here is only logged: the next run tries again.
     */
    private void correctTimeline(String orgId) {
        try {
            corrections.correct(orgId);
        } catch (RuntimeException e) {
            LOG.warnf("timeline corrections for %s failed (retried by the next run): %s", orgId, describe(e));
        }
    }

    /** A failed account is retried later with backoff; it never blocks the others. */
    private void recordFailure(UUID itemId, RuntimeException e) {
        String message = truncate(describe(e));
        QuarkusTransaction.requiringNew().run(() -> {
            BillingRunItem item = items.findById(itemId);
            if (item == null || item.status == RunItemStatus.DONE) {
                return;
            }
            Instant now = clock.instant();
            // the claim counted the attempt (one that killed the worker counts too)
            item.lastError = message;
            item.updatedAt = now;
            if (item.attempts >= config.runs().maxAttempts()) {
                item.status = RunItemStatus.ABANDONED;
            } else {
                item.status = RunItemStatus.FAILED;
                item.nextAttemptAt = queue.retryAt(now, item.attempts);
            }
            LOG.warnf("billing run item %s (%s) failed, attempt %d: %s", item.id, item.orgId, item.attempts, message);
        });
    }

    private void finish(UUID runId) {
        QuarkusTransaction.requiringNew().run(() -> {
            BillingRun run = runs.findById(runId);
            var counts = items.countByStatus(runId);
            long pending = counts.getOrDefault(RunItemStatus.PENDING, 0L);
            long failed = counts.getOrDefault(RunItemStatus.FAILED, 0L)
                    + counts.getOrDefault(RunItemStatus.ABANDONED, 0L);
            if (pending == 0) {
                RunStatus next = failed == 0 ? RunStatus.COMPLETED : RunStatus.COMPLETED_WITH_FAILURES;
                if (next != run.status && !run.status.mayMoveTo(next)) {
                    throw new IllegalStateException("billing run " + runId + " may not move from "
                            + run.status.wire() + " to " + next.wire());
                }
                run.status = next;
                if (run.finishedAt == null || failed == 0) {
                    run.finishedAt = clock.instant();
                }
            }
        });
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
