package io.accrue.client;

/**
 * A problem+json answer of usage-service that retrying will not change (or a retryable one after the retry policy
 * gave up): the HTTP status, the stable {@code code} of docs/errors.md and the human {@code detail}.
 */
public class AccrueApiException extends RuntimeException {

    private final int status;
    private final String code;

    public AccrueApiException(int status, String code, String detail) {
        super(status + " " + code + (detail == null ? "" : ": " + detail));
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The stable error code ({@code quota_exceeded}, {@code unauthenticated}…); clients switch on it. */
    public String code() {
        return code;
    }
}
