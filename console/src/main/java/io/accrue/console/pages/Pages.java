package io.accrue.console.pages;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.session.Viewer;

/** Builds the frame of a page and applies the console's own view of who may open which tab. */
@ApplicationScoped
public class Pages {

    private final Viewer viewer;
    private final ServiceApi api;

    public Pages(Viewer viewer, ServiceApi api) {
        this.viewer = viewer;
        this.api = api;
    }

    public Chrome chrome(String requestedOrg, String active, String title) {
        Optional<String> org = viewer.organisation(requestedOrg);
        ApiResult account = org.map(o -> api.get(Service.SUBSCRIPTION, "/v1/accounts/" + seg(o))).orElse(null);
        ApiResult accounts = org.isEmpty() && viewer.operator()
                ? api.get(Service.SUBSCRIPTION, "/v1/accounts", Map.of("limit", "100"))
                : null;
        if (accounts != null && accounts.ok()) {
            withCurrentPlans(accounts.body().path("items"));
            withUnbilledPeriods(accounts.body().path("items"));
        }
        String currency = account != null && account.ok() ? account.body().path("currency").asText(null) : null;
        String zone = account != null && account.ok() ? account.body().path("timeZone").asText("UTC") : "UTC";
        return new Chrome(viewer.name(), viewer.roleList(), viewer.manager(), viewer.operator(), org.orElse(null),
                active, title, account == null ? null : account.body(), account == null ? null : account.problem(),
                currency, zone, accounts == null ? null : accounts.body(),
                accounts == null ? null : accounts.problem());
    }

    /**
     * Adds each account's current plan and status, read side by side from its {@code /status}: the account record's
     * own {@code planSlug} is the plan it was provisioned on, not the one its subscription moved to since.
     */
    private void withCurrentPlans(com.fasterxml.jackson.databind.JsonNode items) {
        Map<com.fasterxml.jackson.databind.node.ObjectNode, java.util.concurrent.CompletableFuture<ApiResult>> reads = new java.util.LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode item : items) {
            if (item instanceof com.fasterxml.jackson.databind.node.ObjectNode account && account.hasNonNull("orgId")) {
                reads.put(account, api.getAsync(Service.SUBSCRIPTION,
                        "/v1/accounts/" + seg(account.get("orgId").asText()) + "/status", Map.of()));
            }
        }
        reads.forEach((account, read) -> {
            ApiResult status = read.join();
            if (status.ok()) {
                account.put("currentPlan", status.body().path("planSlug").asText(null));
                account.put("status", status.body().path("status").asText(null));
            }
        });
    }

    /**
     * Adds each account's unbilled periods (invoice-service's billed-through ledger, one read for every
     * organisation): how many, the oldest (the list comes oldest first) and its cause. When the ledger cannot be
     * read, {@code unbilledUnknown} says so instead of showing zero.
     */
    private void withUnbilledPeriods(com.fasterxml.jackson.databind.JsonNode items) {
        ApiResult ledger = api.get(Service.INVOICE, "/v1/operator/unbilled-periods");
        Map<String, java.util.List<com.fasterxml.jackson.databind.JsonNode>> byOrg = new java.util.HashMap<>();
        if (ledger.ok()) {
            ledger.body().forEach(p -> byOrg.computeIfAbsent(p.path("orgId").asText(), o -> new java.util.ArrayList<>())
                    .add(p));
        }
        for (com.fasterxml.jackson.databind.JsonNode item : items) {
            if (item instanceof com.fasterxml.jackson.databind.node.ObjectNode account && account.hasNonNull("orgId")) {
                if (!ledger.ok()) {
                    account.put("unbilledUnknown", true);
                    continue;
                }
                java.util.List<com.fasterxml.jackson.databind.JsonNode> periods = byOrg.getOrDefault(
                        account.get("orgId").asText(), java.util.List.of());
                account.put("unbilledCount", periods.size());
                if (!periods.isEmpty()) {
                    com.fasterxml.jackson.databind.JsonNode oldest = periods.getFirst();
                    account.put("unbilledOldest", oldest.path("periodStart").asText(null));
                    account.put("unbilledCause", oldest.path("cause").asText(null));
                    account.put("unbilledNeedsOperator", oldest.path("needsOperator").asBoolean(false));
                }
            }
        }
    }

    /** Tabs for managing billing (end users, rate plans, contracts, revenue, contacts, payment methods). */
    public void requireManager() {
        if (!viewer.manager()) {
            throw new ForbiddenException();
        }
    }

    public void requireReader() {
        if (!viewer.reader()) {
            throw new ForbiddenException();
        }
    }
}
