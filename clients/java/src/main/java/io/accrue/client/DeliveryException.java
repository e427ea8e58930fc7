package io.accrue.client;

/**
 * The retry policy gave up: usage-service was unreachable or kept answering 429/503. Whether the last attempt was
 * stored is unknown; resending the same event ids later is safe (a stored one answers {@code duplicate}).
 */
public final class DeliveryException extends RuntimeException {

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
