package io.accrue.invoice.run;

/** A period close that cannot go on, with the cause operators see. */
public class CloseFailure extends IllegalStateException {

    private final FailureCause cause;

    public CloseFailure(FailureCause cause, String message) {
        super(message);
        this.cause = cause;
    }

    public FailureCause cause() {
        return cause;
    }
}
