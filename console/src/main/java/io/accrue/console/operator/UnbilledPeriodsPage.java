package io.accrue.console.operator;

import static io.accrue.console.api.ServiceApi.seg;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;

/**
 * The platform operator's view of the billed-through ledger (invoice-service): every ended period that is not
 * invoiced yet, across organisations, with its age, attempts, cause and last error, and the deliveries that
 * stopped (a neighbour refused them). From here an operator has a period retried now or writes it off with a
 * reason. Kept in one file on purpose: the page stands apart from the organisation-scoped console (it is not
 * about one organisation), so it carries its own small template instead of the shared layout.
 */
@Path("/operator/unbilled-periods")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(Viewer.PLATFORM_OPERATOR)
public class UnbilledPeriodsPage {

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Unbilled periods · Accrue</title>
            <link rel="stylesheet" href="/static/console.css"></head>
            <body><main>
            <p><a href="/">Console</a></p>
            <h1>Unbilled periods</h1>
            <p>Ended billing periods that are not invoiced yet, oldest first. Each is retried with backoff until it is
            invoiced or written off; a period whose cause is <code>neighbour_rejected</code> waits for you
            (docs/billing-rules.md, "Unbilled periods").</p>
            {#if notice}<p class="notice" role="status">{notice}</p>{/if}
            {#if failure}{#let p=failure}
            <div class="problem" role="alert" data-status="{p.status}"><strong class="problem-title">{p.title ?: 'Request failed'}</strong>
              <span class="status">({p.status}{#if p.code} · <code class="problem-code">{p.code}</code>{/if})</span>
              {#if p.detail}<p class="problem-detail">{p.detail}</p>{/if}</div>{/let}
            {/if}
            <form method="get"><label>Organisation <input name="org" value="{org ?: ''}"></label> <button>Filter</button></form>
            {#if periods.ok}
            {#if periods.body.isEmpty}<p class="empty" id="no-unbilled">Every ended period is invoiced or written off.</p>
            {#else}
            <table id="unbilled"><thead><tr><th scope="col">Organisation</th><th scope="col">Period</th>
              <th class="num" scope="col">Age (s since it ended)</th><th class="num" scope="col">Attempts</th><th scope="col">Cause</th>
              <th scope="col">Last error</th><th scope="col">Next attempt</th><th scope="col">Action</th></tr></thead>
            <tbody>{#for p in periods.body}<tr data-period="{p.id}">
              <td>{p.orgId}</td><td>{p.periodStart} – {p.periodEnd}</td><td class="num">{p.ageSeconds}</td>
              <td class="num">{p.attempts}</td><td><code>{p.cause ?: '—'}</code></td><td>{p.lastError ?: '—'}</td>
              <td>{#if p.needsOperator}<strong>waits for an operator</strong>{#else}{p.nextAttemptAt ?: '—'}{/if}</td>
              <td><form method="post" action="/operator/unbilled-periods/{p.id}/retry"><button>Retry now</button></form>
                <form method="post" action="/operator/unbilled-periods/{p.id}/write-off">
                  <label>Reason <input name="reason" required maxlength="500"></label> <button>Write off</button></form></td>
            </tr>{/for}</tbody></table>
            {/if}
            {#else}{#let p=periods.problem}
            <div class="problem" role="alert" data-status="{p.status}"><strong class="problem-title">{p.title ?: 'Request failed'}</strong>
              <span class="status">({p.status}{#if p.code} · <code class="problem-code">{p.code}</code>{/if})</span>
              {#if p.detail}<p class="problem-detail">{p.detail}</p>{/if}</div>{/let}
            {/if}
            <h2>Stopped deliveries</h2>
            {#if deliveries.ok}
            {#if deliveries.body.isEmpty}<p class="empty">No delivery has stopped.</p>
            {#else}
            <table id="failed-deliveries"><thead><tr><th scope="col">Kind</th><th scope="col">Invoice</th>
              <th class="num" scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
            <tbody>{#for d in deliveries.body}<tr><td>{d.kind}</td><td>{d.invoiceId ?: d.endUserInvoiceId}</td>
              <td class="num">{d.attempts}</td><td>{d.lastError}</td></tr>{/for}</tbody></table>
            {/if}
            {/if}
            </main></body></html>
            """;

    private final ServiceApi api;
    private final Template page;

    public UnbilledPeriodsPage(ServiceApi api, Engine engine) {
        this.api = api;
        // as HTML, so the engine escapes what the services answer (an error message is never markup)
        this.page = engine.parse(PAGE, Variant.forContentType(Variant.TEXT_HTML));
    }

    @GET
    public String show(@QueryParam("org") String org, @QueryParam("notice") String notice) {
        Map<String, String> query = new HashMap<>();
        if (org != null && !org.isBlank()) {
            query.put("orgId", org.strip());
        }
        ApiResult periods = api.get(Service.INVOICE, "/v1/operator/unbilled-periods", query);
        ApiResult deliveries = api.get(Service.INVOICE, "/v1/operator/failed-deliveries");
        return page.data("org", org).data("notice", notice).data("failure", null).data("periods", periods)
                .data("deliveries", deliveries).render();
    }

    @POST
    @Path("{id}/retry")
    public Response retry(@PathParam("id") String id) {
        return after(api.post(Service.INVOICE, "/v1/operator/unbilled-periods/" + seg(id) + "/retry", Map.of()),
                "Retry scheduled: the ledger closes the period within a minute.");
    }

    @POST
    @Path("{id}/write-off")
    public Response writeOff(@PathParam("id") String id, @FormParam("reason") String reason) {
        return after(api.post(Service.INVOICE, "/v1/operator/unbilled-periods/" + seg(id) + "/write-off",
                Map.of("reason", reason == null ? "" : reason)), "Period written off.");
    }

    /** Back to the list; a refusal is shown with the service's own problem details, never as success. */
    private Response after(ApiResult result, String notice) {
        if (result.ok()) {
            return Response.seeOther(URI.create("/operator/unbilled-periods?notice=" + seg(notice))).build();
        }
        ApiResult periods = api.get(Service.INVOICE, "/v1/operator/unbilled-periods", Map.of());
        ApiResult deliveries = api.get(Service.INVOICE, "/v1/operator/failed-deliveries");
        return Response.status(result.status() >= 400 && result.status() < 600 ? result.status() : 502)
                .type(MediaType.TEXT_HTML).entity(page.data("org", null).data("notice", null)
                        .data("failure", result.problem()).data("periods", periods).data("deliveries", deliveries)
                        .render())
                .build();
    }
}
