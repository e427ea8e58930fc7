package io.accrue.console.api;

/** The services the console reads and writes through. */
public enum Service {
    SUBSCRIPTION("subscription-service"), USAGE("usage-service"), INVOICE("invoice-service"), CONTRACT(
            "contract-service");

    public final String label;

    Service(String label) {
        this.label = label;
    }
}
