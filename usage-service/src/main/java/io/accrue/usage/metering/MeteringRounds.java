package io.accrue.usage.metering;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * Operator-triggered metering rounds run in the background: a round sends meter events one by one to Stripe, which
 * can take far longer than an HTTP request should be held. One round at a time per replica; asking while one runs
 * answers that round. Across replicas the outbox's row claims (not this class) keep two rounds from sending the same
 * event.
 */
@ApplicationScoped
public class MeteringRounds {

    private static final Logger LOG = Logger.getLogger(MeteringRounds.class);

    public enum State {
        RUNNING, DONE, FAILED
    }

    /** A round: {@code result} once done, {@code error} when it failed. */
    public record Round(UUID id, State state, Instant startedAt, Instant finishedAt, MeteringService.RoundResult result,
            String error) {}

    private final MeteringService metering;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "metering-round");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Round> last = new AtomicReference<>();

    MeteringRounds(MeteringService metering, Clock clock) {
        this.metering = metering;
        this.clock = clock;
    }

    /** Starts a round, or answers the one still running. */
    public synchronized Round start() {
        Round current = last.get();
        if (current != null && current.state() == State.RUNNING) {
            return current;
        }
        Round started = new Round(UUID.randomUUID(), State.RUNNING, clock.instant(), null, null, null);
        last.set(started);
        executor.submit(() -> {
            try {
                MeteringService.RoundResult result = metering.runRound();
                last.set(new Round(started.id(), State.DONE, started.startedAt(), clock.instant(), result, null));
            } catch (RuntimeException e) {
                LOG.warnf(e, "metering round %s failed", started.id());
                last.set(new Round(started.id(), State.FAILED, started.startedAt(), clock.instant(), null,
                        "the round failed; what was not sent stays in the outbox for the next round"));
            }
        });
        return started;
    }

    /** The latest round, or null when none was asked for since this replica started. */
    public Round latest() {
        return last.get();
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
