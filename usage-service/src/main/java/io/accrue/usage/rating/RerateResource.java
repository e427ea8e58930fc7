package io.accrue.usage.rating;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;

/** Prices usage recorded without a price, after the operator added the missing price (audited). */
@Path("/v1/operator/usage/rerate")
@Tag(name = "Pricing catalog")
public class RerateResource {

    private final RerateService service;
    private final Caller caller;

    RerateResource(RerateService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    public record RerateRequest(@NotBlank @Size(max = 128) String model, Instant from, Instant to,
            @NotBlank @Size(max = 500) String reason) {}

    @jakarta.ws.rs.GET
    @Path("/runs")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "The audited re-rating runs, newest first (at most 100)")
    public java.util.List<RerateService.RunView> runs() {
        return service.runs();
    }

    @POST
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Rate the unpriced usage events of a model with the price now in the catalog (audited run)")
    public RerateService.Result rerate(@NotNull @Valid RerateRequest request) {
        return service.rerate(request.model(), request.from(), request.to(), request.reason().strip(),
                caller.subject());
    }
}
