package io.accrue.usage.quota;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.accrue.common.error.ApiException;
import io.accrue.common.error.Problems;

/** A blocking limit was reached: 429 with Retry-After (seconds until the limiting window resets). */
public class QuotaExceededException extends ApiException {

    private final long retryAfterSeconds;

    public QuotaExceededException(String reason, String detail, long retryAfterSeconds,
            Map<String, Object> extensions) {
        super(429, "quota_exceeded", "Quota exceeded", detail, extensions);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The common mapper writes the problem body; this one adds the Retry-After header. */
    public static class Mapper {
        @ServerExceptionMapper
        public Response map(QuotaExceededException e) {
            return Response.fromResponse(Problems.toResponse(e)).header("Retry-After", e.retryAfterSeconds()).build();
        }
    }
}
