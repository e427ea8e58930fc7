package io.accrue.console.pages;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.console.api.Problem;

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
        return link(prefix + io.accrue.console.api.ServiceApi.seg(String.valueOf(id)) + suffix);
    }

    public boolean is(String tab) {
        return tab.equals(active);
    }
}
