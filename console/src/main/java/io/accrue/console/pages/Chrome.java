package io.accrue.console.pages;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Problem;
import io.accrue.console.api.ServiceApi;

/**
 * What every page shows around its content: who is signed in, which organisation the page is about, the account's
 * currency and time zone (money and dates are written in them), and which tabs this viewer may open.
 *
 * @param accounts for a platform operator who has not picked an organisation yet: the accounts to pick from
 */
public record Chrome(String user, List<String> roles, boolean manager, boolean operator, String org, String active,
        String title, JsonNode account, Problem accountProblem, String currency, String zone, JsonNode accounts,
        Problem accountsProblem) {

    /** A console link that keeps the operator's chosen organisation. */
    public String link(String path) {
        if (!operator || org == null) {
            return path;
        }
        return path + (path.contains("?") ? "&" : "?") + "org=" + java.net.URLEncoder.encode(org,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A link to one thing, e.g. {@code to('/invoices/', id)}; the id is encoded as a path segment. */
    public String to(String prefix, Object id) {
        return to(prefix, id, "");
    }

    public String to(String prefix, Object id, String suffix) {
        return link(prefix + ServiceApi.seg(String.valueOf(id)) + suffix);
    }

    /** The organisation the page acts on; a page that needs one and has none is not found. */
    public String requireOrg() {
        if (org == null) {
            throw new NotFoundException();
        }
        return org;
    }

    /**
     * Post-redirect-get after a form: back to {@code path}, carrying the service's problem in {@code error} when it
     * refused.
     */
    public Response redirect(String path, ApiResult result) {
        String target = result.ok()
                ? path
                : path + (path.contains("?") ? "&" : "?") + "error="
                        + ServiceApi.seg(result.problem().flash());
        return Response.seeOther(URI.create(link(target))).build();
    }

    public boolean is(String tab) {
        return tab.equals(active);
    }
}
