package io.accrue.invoice.coupon;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.invoice.coupon.CouponViews.CouponView;
import io.accrue.invoice.coupon.CouponViews.PromotionCodeView;
import io.accrue.invoice.coupon.CouponViews.RedemptionView;

/**
 * Coupons and promotion codes (billing-rules "Coupons"). Operators create and deactivate them; an organisation's owner
 * or billing-admin redeems a code, an operator may also apply a coupon by id. Values are checked by the service and
 * refused 400 ({@code coupon_invalid}, {@code promotion_code_invalid}); string lengths by {@code @Size}.
 */
@Path("/v1")
@Tag(name = "Coupons")
public class CouponResource {

    /**
     * Exactly one of {@code percentOff} (0–100, 2 decimals) and {@code amountOff} (with {@code currency}, at most the
     * currency's decimals); {@code appliesTo} base_fee | usage | all; {@code duration} once | repeating (with
     * {@code durationPeriods}, 1–120) | forever; {@code maxRedemptions} ≥ 1; {@code redeemBy} in the future.
     */
    public record CreateCoupon(@Size(max = 100) String name, BigDecimal percentOff, BigDecimal amountOff,
            @Size(max = 3) String currency, @Size(max = 16) String appliesTo, @Size(max = 16) String duration,
            Integer durationPeriods, Integer maxRedemptions, Instant redeemBy) {}

    /** {@code code}: 3–64 letters, digits, '_' or '-', unique regardless of case; {@code orgId}: only it redeems. */
    public record CreateCode(@Size(max = 64) String code, @Size(max = 64) String orgId, Integer maxRedemptions,
            Instant expiresAt) {}

    /** Exactly one: {@code promotionCode} (any of the roles), or {@code couponId} (platform operators). */
    public record Redeem(@Size(max = 64) String promotionCode, UUID couponId) {}

    private final CouponService service;
    private final Caller caller;

    CouponResource(CouponService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Path("/coupons")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Create a coupon")
    public Response create(@NotNull @Valid CreateCoupon body) {
        return Response.status(201).entity(service.create(body, caller.subject())).build();
    }

    @GET
    @Path("/coupons")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Coupons, newest first")
    public List<CouponView> list(@QueryParam("limit") Integer limit) {
        if (limit != null && (limit < 1 || limit > 200)) {
            throw ApiException.badRequest("invalid_limit", "limit must be 1–200.");
        }
        return service.list(limit == null ? 50 : limit);
    }

    @GET
    @Path("/coupons/{couponId}")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "A coupon with its promotion codes")
    public CouponView get(@PathParam("couponId") UUID couponId) {
        return service.get(couponId);
    }

    @POST
    @Path("/coupons/{couponId}/deactivate")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Deactivate a coupon: no new redemptions or codes; existing redemptions keep applying")
    public CouponView deactivate(@PathParam("couponId") UUID couponId) {
        return service.deactivate(couponId, caller.subject());
    }

    @POST
    @Path("/coupons/{couponId}/promotion-codes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Create a customer-facing promotion code for the coupon")
    public Response createCode(@PathParam("couponId") UUID couponId, @NotNull @Valid CreateCode body) {
        return Response.status(201).entity(service.createCode(couponId, body, caller.subject())).build();
    }

    @POST
    @Path("/coupons/{couponId}/promotion-codes/{codeId}/deactivate")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Deactivate a promotion code")
    public PromotionCodeView deactivateCode(@PathParam("couponId") UUID couponId,
            @PathParam("codeId") UUID codeId) {
        return service.deactivateCode(couponId, codeId, caller.subject());
    }

    @POST
    @Path("/orgs/{orgId}/coupons")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Redeem a promotion code (or, an operator, apply a coupon) for the organisation")
    public Response redeem(@PathParam("orgId") String orgId, @NotNull @Valid Redeem body) {
        if ((body.promotionCode() == null) == (body.couponId() == null)) {
            throw ApiException.badRequest("coupon_redemption_invalid",
                    "Give exactly one of promotionCode and couponId.");
        }
        if (body.couponId() != null && !caller.hasRole(Roles.PLATFORM_OPERATOR)) {
            throw ApiException.forbidden("forbidden", "Only a platform operator applies a coupon by its id.");
        }
        RedemptionView v = service.redeem(orgId, body.promotionCode(), body.couponId(), caller.subject());
        return Response.status(201).entity(v).build();
    }

    @GET
    @Path("/orgs/{orgId}/coupons")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "The organisation's coupon redemptions, in redemption order, with periods used and remaining")
    public List<RedemptionView> redemptions(@PathParam("orgId") String orgId) {
        return service.redemptions(orgId);
    }
}
