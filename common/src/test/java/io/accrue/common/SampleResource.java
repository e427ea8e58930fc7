package io.accrue.common;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;

/** A resource that exists only in this module's tests, to exercise the cross-cutting web code. */
@Path("/test")
public class SampleResource {

    private final Caller caller;

    SampleResource(Caller caller) {
        this.caller = caller;
    }

    public record Widget(@NotBlank @jakarta.validation.constraints.Size(max = 200) String name,
            @NotNull @Min(1) Integer quantity, java.math.BigDecimal price,
            Boolean active, java.util.Map<String, String> tags) {}

    @GET
    @Path("/orgs/{orgId}/widgets")
    @RolesAllowed({Roles.OWNER, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    public CursorPage<String> list(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        int size = Cursors.limit(limit);
        int from = cursor == null ? 0 : Integer.parseInt(Cursors.decode(cursor, 1).get(0));
        List<String> items = java.util.stream.IntStream.range(from, Math.min(from + size, 5))
                .mapToObj(i -> orgId + "-" + i).toList();
        String next = from + size < 5 ? Cursors.encode(String.valueOf(from + size)) : null;
        return CursorPage.of(items, next);
    }

    @POST
    @Path("/orgs/{orgId}/widgets")
    @RolesAllowed(Roles.OWNER)
    public Widget create(@PathParam("orgId") String orgId, @NotNull @Valid Widget widget) {
        return widget;
    }

    @GET
    @Path("/me")
    @RolesAllowed({Roles.USAGE_REPORTER, Roles.OWNER})
    public String me() {
        return caller.requireOrganisation() + "/" + caller.requireEnvironment().wireName();
    }

    @GET
    @Path("/quota")
    @RolesAllowed(Roles.OWNER)
    public String quota() {
        throw new ApiException(429, "quota_exceeded", "Quota exceeded", "Daily token limit reached.",
                java.util.Map.of("limit", 1000, "remaining", 0));
    }

    @GET
    @Path("/boom")
    @RolesAllowed(Roles.OWNER)
    public String boom() {
        throw new IllegalStateException("secret internal detail com.example.Foo");
    }

    @POST
    @Path("/echo")
    @RolesAllowed(Roles.OWNER)
    public com.fasterxml.jackson.databind.JsonNode echo(com.fasterxml.jackson.databind.JsonNode body) {
        return body;
    }

    @GET
    @Path("/db-down")
    @RolesAllowed(Roles.OWNER)
    public String databaseDown() {
        throw new RuntimeException("could not execute query", new IllegalStateException(
                new java.sql.SQLException("FATAL: terminating connection due to administrator command", "57P01")));
    }

    @GET
    @Path("/open")
    public String unannotated() {
        return "should never be reachable";
    }
}
