package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.invoice.fx.ExchangeRateService.EffectiveView;
import io.accrue.invoice.fx.ExchangeRateService.ImportResult;
import io.accrue.invoice.fx.ExchangeRateService.RateView;

/** The effective-dated exchange-rate table (platform operators write; the suite's services may read). */
@Path("/v1/exchange-rates")
@Tag(name = "Exchange rates")
public class ExchangeRateResource {

    /** 1 base = {@code rate} quote on the path's date; {@code source} defaults to {@code operator}. */
    public record SetRate(@NotNull @Positive @Digits(integer = 12, fraction = 12) BigDecimal rate,
            @Size(max = 48) @Pattern(regexp = "[A-Za-z0-9 ._-]{1,48}", message = "1–48 letters, digits, space, '.', '_' or '-'") String source) {}

    private final ExchangeRateService service;
    private final Caller caller;

    ExchangeRateResource(ExchangeRateService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @PUT
    @Path("/{base}/{quote}/{date}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Record (or correct) the rate of one currency pair for one day")
    public RateView set(@PathParam("base") String base, @PathParam("quote") String quote,
            @PathParam("date") String date, @NotNull @Valid SetRate body) {
        return service.set(base, quote, day(date, "date"), body.rate(), body.source(), caller.subject());
    }

    /**
     * The body is the file as downloaded, whatever content type the client labels it with (text/csv, text/plain,
     * application/octet-stream…): the format is checked by the parser, and the role check comes first for everyone.
     */
    @POST
    @Path("/ecb-import")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Import the ECB's eurofxref.csv or eurofxref-hist.csv (EUR-based reference rates)")
    public ImportResult importEcb(String csv) {
        return service.importEcb(csv, caller.subject());
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Recorded rates, newest day first")
    public List<RateView> list(@QueryParam("base") String base, @QueryParam("quote") String quote,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("limit") Integer limit) {
        if (limit != null && (limit < 1 || limit > 200)) {
            throw ApiException.badRequest("invalid_limit", "limit must be 1–200.");
        }
        return service.list(base, quote, from == null ? null : day(from, "from"), to == null ? null : day(to, "to"),
                limit == null ? 100 : limit);
    }

    @GET
    @Path("/{from}/{to}/effective")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "The rate a close of a period ending at periodEnd (default: now) converts with")
    public EffectiveView effective(@PathParam("from") String from, @PathParam("to") String to,
            @QueryParam("periodEnd") String periodEnd) {
        Instant end;
        try {
            end = periodEnd == null ? null : Instant.parse(periodEnd);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_value", "periodEnd must be an ISO-8601 instant.");
        }
        return service.effectiveView(from, to, end);
    }

    private static LocalDate day(String value, String name) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_value", name + " must be an ISO-8601 date (2026-11-28).");
        }
    }
}
