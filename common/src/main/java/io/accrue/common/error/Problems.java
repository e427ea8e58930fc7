package io.accrue.common.error;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

/** Builds problem responses, so every error in the suite has the same shape. */
public final class Problems {

    private Problems() {
    }

    public static Response toResponse(ApiException e) {
        return response(e.status(), e.code(), e.title(), e.detail(), List.of(), e.extensions());
    }

    public static Response response(int status, String code, String title, String detail,
            List<Problem.Violation> violations, Map<String, Object> extensions) {
        Problem body = new Problem(Problem.TYPE_BASE + code, title, status, detail, code, null, violations,
                extensions);
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }
}
