package io.accrue.console.contracts;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Enterprise contracts (contract-service): list, detail with versions, and commitment utilization. */
@Path("/contracts")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class ContractPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template list;
    private final Template detail;

    public ContractPages(Pages pages, ServiceApi api, @Location("contracts.html") Template list,
            @Location("contract.html") Template detail) {
        this.pages = pages;
        this.api = api;
        this.list = list;
        this.detail = detail;
    }

    @GET
    public TemplateInstance list(@QueryParam("org") String org, @QueryParam("cursor") String cursor) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "contracts", "Contracts");
        TemplateInstance page = list.data("chrome", chrome).data("cursor", cursor);
        if (chrome.org() == null) {
            return page.data("contracts", null).data("nextLink", null).data("utilization", Map.of())
                    .data("reportProblem", null);
        }
        Map<String, String> query = new HashMap<>();
        query.put("cursor", cursor);
        query.put("limit", "20");
        var report = api.getAsync(Service.CONTRACT, "/v1/orgs/" + seg(chrome.org()) + "/contracts/report", Map.of());
        var contracts = api.get(Service.CONTRACT, "/v1/orgs/" + seg(chrome.org()) + "/contracts", query);
        String next = contracts.ok() && contracts.body().hasNonNull("nextCursor")
                ? chrome.link("/contracts?cursor=" + seg(contracts.body().get("nextCursor").asText()))
                : null;
        // utilization per contract (the report covers every non-draft contract); a missing report leaves it blank
        Map<String, com.fasterxml.jackson.databind.JsonNode> utilization = new HashMap<>();
        ApiResult r = report.join();
        if (r.ok()) {
            r.body().forEach(u -> utilization.put(u.path("contractId").asText(), u));
        }
        return page.data("contracts", contracts).data("nextLink", next).data("utilization", utilization)
                .data("reportProblem", r.ok() ? null : r.problem());
    }

    @GET
    @Path("{contractId}")
    public TemplateInstance detail(@QueryParam("org") String org, @PathParam("contractId") String contractId) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "contracts", "Contract");
        if (chrome.org() == null) {
            return detail.data("chrome", chrome).data("contract", null).data("utilization", null);
        }
        String base = "/v1/orgs/" + seg(chrome.org()) + "/contracts/" + seg(contractId);
        var contract = api.getAsync(Service.CONTRACT, base, Map.of());
        var utilization = api.getAsync(Service.CONTRACT, base + "/utilization", Map.of());
        return detail.data("chrome", chrome).data("contract", contract.join())
                .data("utilization", utilization.join());
    }
}
