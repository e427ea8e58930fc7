package io.accrue.common.error;

/**
 * A domain rejection that knows its HTTP status and its stable error code. Services throw it; the one
 * mapper in {@link ProblemMappers} turns it into {@code application/problem+json}. The code is part of the
 * public API (listed in docs/errors.md): clients switch on it, so never rename one.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final transient java.util.Map<String, Object> extensions;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, java.util.Map.of());
    }

    public ApiException(int status, String code, String title, String detail,
            java.util.Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.extensions = java.util.Map.copyOf(extensions);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** Extra members of the problem body, e.g. {@code limit} and {@code remaining} for a quota refusal. */
    public java.util.Map<String, Object> extensions() {
        return extensions;
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad request", detail);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthenticated", "Unauthenticated",
                "A valid bearer token is required.");
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, "Forbidden", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, "Not found", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail);
    }

    public static ApiException unprocessable(String code, String detail) {
        return new ApiException(422, code, "Unprocessable request", detail);
    }

    /** Stops a stack trace being filled for expected rejections: they are not bugs. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
