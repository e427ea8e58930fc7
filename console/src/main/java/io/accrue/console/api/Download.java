package io.accrue.console.api;

/** A file a service produced (an invoice PDF, a billing export), passed through to the browser. */
public record Download(byte[] bytes, String contentType, String fileName, Problem problem) {

    public boolean ok() {
        return problem == null;
    }
}
