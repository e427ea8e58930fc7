package io.accrue.console.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.accrue.console.format.Formats;

/**
 * The console's "now" is the services' now: where the current period stands, what "today" is on the usage chart
 * and how far a projection has come must agree with the numbers the services computed. On a test clock (the local
 * stack, a demo that moved time a month ahead) that is not the machine's time, so the console reads
 * subscription-service's {@code GET /v1/operator/clock} and keeps the offset for a few seconds. Where the clock is
 * not adjustable (production: 404) or cannot be read, the services run on real time and so does the console.
 */
@ApplicationScoped
public class ClockProducer {

    /** How long one reading of the services' offset is trusted before the next page reads it again. */
    static final Duration REFRESH = Duration.ofSeconds(5);

    @Produces
    @jakarta.inject.Singleton
    Clock clock(ServiceApi api) {
        return new ServicesClock(Clock.systemUTC(), () -> {
            ApiResult read = api.get(Service.SUBSCRIPTION, "/v1/operator/clock");
            return read.ok() ? Formats.instant(read.body().path("now").asText(null)) : null;
        });
    }

    /** The services' time as the system time plus the last offset read (zero when none could be read). */
    static final class ServicesClock extends Clock {

        private record Reading(Duration offset, Instant readAt) {}

        private final Clock system;
        private final java.util.function.Supplier<Instant> servicesNow;
        private final AtomicReference<Reading> last = new AtomicReference<>();

        ServicesClock(Clock system, java.util.function.Supplier<Instant> servicesNow) {
            this.system = system;
            this.servicesNow = servicesNow;
        }

        @Override
        public Instant instant() {
            Instant now = system.instant();
            Reading reading = last.get();
            if (reading == null || reading.readAt().plus(REFRESH).isBefore(now)) {
                Instant theirs;
                try {
                    theirs = servicesNow.get();
                } catch (RuntimeException e) {
                    theirs = null; // outside a signed-in request, or the service is down: real time
                }
                reading = new Reading(theirs == null ? Duration.ZERO : Duration.between(now, theirs), now);
                last.set(reading);
            }
            return now.plus(reading.offset());
        }

        @Override
        public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(ZoneId zone) {
            return Clock.fixed(instant(), zone);
        }
    }
}
