package io.accrue.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The end user may not make the call: 429 {@code quota_exceeded} (a limit, with the seconds until its window
 * resets) or 403 {@code end_user_blocked} / {@code account_suspended} / {@code model_not_allowed} (a decision, no
 * Retry-After). Thrown by {@link AccrueClient#checkQuota} and {@link AccrueClient#reserve}, never retried by the
 * client: waiting is the caller's decision.
 */
public final class QuotaRefusedException extends AccrueApiException {

    private final Duration retryAfter;

    public QuotaRefusedException(int status, String reason, String detail, Duration retryAfter) {
        super(status, reason, detail);
        this.retryAfter = retryAfter;
    }

    /** The reason code: {@code quota_exceeded}, {@code end_user_blocked}, {@code account_suspended}… */
    public String reason() {
        return code();
    }

    /** When asking again can succeed (429 only). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
