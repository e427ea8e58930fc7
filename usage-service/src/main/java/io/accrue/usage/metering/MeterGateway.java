package io.accrue.usage.metering;

import java.time.Instant;

/** Where aggregated meter events go (Stripe in production). No Stripe type crosses this interface. */
public interface MeterGateway {

    /** One aggregated meter event; {@code identifier} is deterministic and doubles as the idempotency key. */
    record MeterReport(String eventName, String stripeCustomerId, long value, Instant timestamp, String identifier) {}

    /** Throws {@link MeterGatewayException} when the report may not have arrived (retry it later). */
    void report(MeterReport report);

    class MeterGatewayException extends RuntimeException {
        public MeterGatewayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
