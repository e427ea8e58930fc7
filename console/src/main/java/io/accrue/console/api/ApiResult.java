package io.accrue.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** A service's answer: the JSON body when it succeeded, its problem details when it did not. */
public record ApiResult(int status, JsonNode body, Problem problem) {

    public static ApiResult ok(int status, JsonNode body) {
        return new ApiResult(status, body == null ? MissingNode.getInstance() : body, null);
    }

    public static ApiResult failed(Problem problem) {
        return new ApiResult(problem.status(), MissingNode.getInstance(), problem);
    }

    public boolean ok() {
        return problem == null;
    }

    /** True when the service answered 404: the thing (or, while a service is being built, the endpoint) is absent. */
    public boolean notFound() {
        return status == 404;
    }
}
