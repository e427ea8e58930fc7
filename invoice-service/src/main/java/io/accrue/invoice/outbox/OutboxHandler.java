package io.accrue.invoice.outbox;

/**
 * Delivers the outbox entries of one kind that a feature owns (the contract drawdown is delivered by
 * {@link OutboxDelivery} itself). The outbox keeps claiming, backoff and the attempt budget; the handler does the
 * side effect and keeps its own record of how it went.
 */
public interface OutboxHandler {

    /** The {@link OutboxEntry#kind} handled. */
    String kind();

    /**
     * Performs the side effect, inside the transaction that holds the entry's claim; throwing rolls that
     * transaction back and the entry is retried later.
     */
    void deliver(OutboxEntry entry);

    /**
     * Records a failed attempt, in a transaction of its own after the delivery's was rolled back; the entry's
     * {@code attempts} and {@code lastError} are already updated.
     *
     * @param exhausted no attempt is left: the entry is {@code failed} and will not be retried
     */
    void failed(OutboxEntry entry, RuntimeException cause, boolean exhausted);
}
