package io.accrue.usage.stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

/**
 * The stream aggregation's health, on {@code /q/health/well} (degraded), not on readiness: a replica whose Streams
 * app waits for the broker, or has failed, still serves everything else — reads, quotas, reservations, and in mode
 * kafka the edge answers 503 {@code ingestion_unavailable} by itself while the broker is down — so it stays in the
 * load balancer; what is missing is only the minute rollups, which catch up from the log once the app runs. Up when
 * the app is off, running or rebalancing.
 */
@Wellness
@ApplicationScoped
public class StreamAggregationHealth implements HealthCheck {

    private final StreamAggregation aggregation;

    StreamAggregationHealth(StreamAggregation aggregation) {
        this.aggregation = aggregation;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named("stream-aggregation");
        if (!aggregation.enabled()) {
            return health.up().withData("enabled", false).build();
        }
        String state = aggregation.state();
        health.withData("enabled", true).withData("state", state);
        aggregation.waitingFor().ifPresent(why -> health.withData("waitingFor", why));
        return health.status("RUNNING".equals(state) || "REBALANCING".equals(state)).build();
    }
}
