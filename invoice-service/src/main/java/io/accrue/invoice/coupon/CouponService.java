package io.accrue.invoice.coupon;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireValue;
import io.accrue.invoice.client.NeighbourRejected;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.compute.AppliedCoupon.AppliesTo;
import io.accrue.invoice.compute.AppliedCoupon.Kind;
import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.coupon.CouponResource.CreateCode;
import io.accrue.invoice.coupon.CouponResource.CreateCoupon;
import io.accrue.invoice.coupon.CouponViews.ApplicationView;
import io.accrue.invoice.coupon.CouponViews.CouponView;
import io.accrue.invoice.coupon.CouponViews.PromotionCodeView;
import io.accrue.invoice.coupon.CouponViews.RedemptionView;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Coupons and promotion codes (billing-rules "Coupons" rules C1, C2): operators create and deactivate them, an
 * organisation redeems a code (or an operator applies a coupon to it). Every operator write keeps who and when on its
 * row. A redemption reads the account's currency from subscription-service before its transaction, then counts the
 * coupon's and the code's limits with guarded UPDATEs in one transaction under the organisation's lock.
 */
@ApplicationScoped
public class CouponService {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{3,64}");
    private static final Pattern ORG = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("999999999999999.999");
    private static final int MAX_PERIODS = 120;
    /** Dates further out are a mistake (or an attempt to overflow the column), not a plan. */
    private static final long MAX_YEARS_AHEAD = 100;

    private final CouponRepository coupons;
    private final SubscriptionClient subscriptions;
    private final Clock clock;

    CouponService(CouponRepository coupons, SubscriptionClient subscriptions, Clock clock) {
        this.coupons = coupons;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    // ---- operator: coupons and codes

    public CouponView create(CreateCoupon r, String actor) {
        Instant now = clock.instant();
        Coupon c = new Coupon();
        c.id = UUID.randomUUID();
        c.name = required(r.name(), "name").strip();
        if (c.name.isEmpty() || c.name.chars().anyMatch(Character::isISOControl)) {
            throw invalid("name must be 1–100 printable characters.");
        }
        if ((r.percentOff() == null) == (r.amountOff() == null)) {
            throw invalid("Give exactly one of percentOff and amountOff.");
        }
        if (r.percentOff() != null) {
            BigDecimal p = r.percentOff();
            if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(100)) > 0 || decimals(p) > 2) {
                throw invalid("percentOff must be above 0 and at most 100, with at most 2 decimals.");
            }
            if (r.currency() != null) {
                throw invalid("currency is for an amountOff coupon only (a percentage has none).");
            }
            c.kind = Kind.PERCENT_OFF;
            c.percentOff = p;
        } else {
            String currency = currency(r.currency());
            BigDecimal a = r.amountOff();
            if (a.signum() <= 0 || a.compareTo(MAX_AMOUNT) > 0 || decimals(a) > Rounding.minorUnit(currency)) {
                throw invalid("amountOff must be above 0, at most " + MAX_AMOUNT.toPlainString() + ", with at most "
                        + Rounding.minorUnit(currency) + " decimals (" + currency + ").");
            }
            c.kind = Kind.AMOUNT_OFF;
            c.amountOff = a;
            c.currency = currency;
        }
        c.appliesTo = WireValue.find(AppliesTo.class, required(r.appliesTo(), "appliesTo"))
                .orElseThrow(() -> invalid("appliesTo must be one of " + WireValue.choices(AppliesTo.class) + "."));
        c.duration = WireValue.find(CouponDuration.class, required(r.duration(), "duration"))
                .orElseThrow(() -> invalid("duration must be one of " + WireValue.choices(CouponDuration.class) + "."));
        if (c.duration == CouponDuration.REPEATING) {
            if (r.durationPeriods() == null || r.durationPeriods() < 1 || r.durationPeriods() > MAX_PERIODS) {
                throw invalid("durationPeriods (1–" + MAX_PERIODS + ") is required for a repeating coupon.");
            }
            c.durationPeriods = r.durationPeriods();
        } else if (r.durationPeriods() != null) {
            throw invalid("durationPeriods is for a repeating coupon only.");
        }
        c.maxRedemptions = limit(r.maxRedemptions(), "maxRedemptions", false);
        c.redeemBy = future(r.redeemBy(), "redeemBy", now, false);
        c.active = true;
        c.createdAt = now;
        c.createdBy = actor;
        QuarkusTransaction.requiringNew().run(() -> coupons.persist(c));
        return CouponView.of(c, List.of());
    }

    public List<CouponView> list(int limit) {
        return QuarkusTransaction.requiringNew()
                .call(() -> coupons.newestFirst(limit).stream().map(c -> CouponView.of(c, null)).toList());
    }

    public CouponView get(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> CouponView.of(coupon(id), coupons.codes(id)));
    }

    public PromotionCodeView createCode(UUID couponId, CreateCode r, String actor) {
        Instant now = clock.instant();
        String code = r.code();
        if (code == null || !CODE.matcher(code).matches()) {
            throw ApiException.badRequest("promotion_code_invalid",
                    "code must be 3–64 letters, digits, '_' or '-'.");
        }
        if (r.orgId() != null && !ORG.matcher(r.orgId()).matches()) {
            throw ApiException.badRequest("promotion_code_invalid",
                    "orgId must be 1–64 letters, digits, '.', '_' or '-'.");
        }
        Integer max = limit(r.maxRedemptions(), "maxRedemptions", true);
        Instant expires = future(r.expiresAt(), "expiresAt", now, true);
        return QuarkusTransaction.requiringNew().call(() -> {
            Coupon c = coupon(couponId);
            if (!c.active) {
                throw ApiException.unprocessable("coupon_inactive",
                        "The coupon is deactivated: it takes no new codes.");
            }
            // one creator of a code at a time, so the case-insensitive unique index never surfaces as a 500
            lock("accrue-promotion-code:" + code.toLowerCase(java.util.Locale.ROOT));
            if (coupons.codeTaken(code)) {
                throw ApiException.conflict("promotion_code_taken",
                        "A promotion code '" + code + "' exists already (codes are case-insensitive).");
            }
            PromotionCode p = new PromotionCode();
            p.id = UUID.randomUUID();
            p.couponId = c.id;
            p.code = code;
            p.orgId = r.orgId();
            p.maxRedemptions = max;
            p.expiresAt = expires;
            p.active = true;
            p.createdAt = now;
            p.createdBy = actor;
            coupons.persistCode(p);
            return PromotionCodeView.of(p);
        });
    }

    public CouponView deactivate(UUID couponId, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Coupon c = coupon(couponId);
            if (c.active) {
                c.active = false;
                c.deactivatedAt = clock.instant();
                c.deactivatedBy = actor;
            }
            return CouponView.of(c, coupons.codes(couponId));
        });
    }

    public PromotionCodeView deactivateCode(UUID couponId, UUID codeId, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> {
            PromotionCode p = coupons.codeOf(couponId, codeId).orElseThrow(
                    () -> ApiException.notFound("promotion_code_not_found", "No such promotion code of the coupon."));
            if (p.active) {
                p.active = false;
                p.deactivatedAt = clock.instant();
                p.deactivatedBy = actor;
            }
            return PromotionCodeView.of(p);
        });
    }

    // ---- an organisation's redemptions

    /**
     * Redeems a promotion code, or (an operator) applies a coupon, for the organisation. Refusals store nothing: the
     * limits are counted in the same transaction as the redemption, which any refusal rolls back.
     */
    public RedemptionView redeem(String orgId, String code, UUID couponId, String actor) {
        // the neighbour first, with no transaction open
        String currency = accountCurrency(orgId);
        Instant now = clock.instant();
        UUID id = QuarkusTransaction.requiringNew().call(() -> {
            lock("accrue-coupon-redeem:" + orgId);
            PromotionCode p = null;
            Coupon c;
            if (code != null) {
                p = coupons.code(code).filter(x -> x.orgId == null || x.orgId.equals(orgId))
                        // another organisation's restricted code is not shown to exist
                        .orElseThrow(() -> ApiException.notFound("promotion_code_not_found",
                                "No promotion code '" + code + "' for this organisation."));
                if (!p.active) {
                    throw ApiException.unprocessable("promotion_code_inactive", "The promotion code is deactivated.");
                }
                if (p.expiresAt != null && !now.isBefore(p.expiresAt)) {
                    throw ApiException.unprocessable("promotion_code_expired",
                            "The promotion code expired at " + p.expiresAt + ".");
                }
                c = coupons.findById(p.couponId);
            } else {
                c = coupon(couponId);
            }
            if (!c.active) {
                throw ApiException.unprocessable("coupon_inactive", "The coupon is deactivated.");
            }
            if (c.redeemBy != null && !now.isBefore(c.redeemBy)) {
                throw ApiException.unprocessable("coupon_expired", "The coupon could be redeemed until " + c.redeemBy
                        + ".");
            }
            if (c.kind == Kind.AMOUNT_OFF && !c.currency.equals(currency)) {
                throw ApiException.unprocessable("coupon_currency_mismatch", "The coupon takes an amount in "
                        + c.currency + " off; the organisation bills in " + currency
                        + ". Amounts are never converted.");
            }
            if (coupons.redeemed(orgId, c.id)) {
                throw ApiException.conflict("coupon_already_redeemed",
                        "The organisation has redeemed this coupon already.");
            }
            if (p != null && !coupons.takeCodeRedemption(p.id)) {
                throw ApiException.unprocessable("promotion_code_exhausted",
                        "The promotion code reached its maximum of " + p.maxRedemptions + " redemptions.");
            }
            if (!coupons.takeRedemption(c.id)) {
                throw ApiException.unprocessable("coupon_exhausted",
                        "The coupon reached its maximum of " + c.maxRedemptions + " redemptions.");
            }
            CouponRedemption r = new CouponRedemption();
            r.id = UUID.randomUUID();
            r.orgId = orgId;
            r.couponId = c.id;
            r.promotionCodeId = p == null ? null : p.id;
            r.redeemedAt = now;
            r.redeemedBy = actor;
            coupons.persistRedemption(r);
            return r.id;
        });
        return redemptions(orgId).stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    public List<RedemptionView> redemptions(String orgId) {
        return QuarkusTransaction.requiringNew().call(() -> coupons.redemptions(orgId).stream().map(r -> {
            Coupon c = coupons.findById(r.couponId);
            List<CouponApplication> used = coupons.applications(r.id);
            OptionalInt limit = c.duration.periods(c.durationPeriods);
            String code = r.promotionCodeId == null
                    ? null
                    : coupons.getEntityManager().find(PromotionCode.class, r.promotionCodeId).code;
            String currency = c.currency;
            return new RedemptionView(r.id, r.orgId, CouponView.of(c, null), code, r.redeemedAt, r.redeemedBy,
                    used.size(), limit.isPresent() ? Math.max(0, limit.getAsInt() - used.size()) : null,
                    used.stream().map(a -> new ApplicationView(a.periodStart, a.periodEnd, a.invoiceId,
                            Rounding.plain(a.amount).toPlainString())).toList());
        }).toList());
    }

    /** The currency the organisation bills in now (its subscription's, else its account's). */
    private String accountCurrency(String orgId) {
        try {
            Subscription s = subscriptions.subscription(orgId);
            if (s != null && s.currency() != null) {
                return s.currency();
            }
            return subscriptions.account(orgId).currency();
        } catch (NeighbourRejected e) {
            if (e.status() == 404) {
                throw ApiException.notFound("account_not_found",
                        "The organisation has no billing account (or no subscription) to redeem a coupon for.");
            }
            throw unavailable();
        } catch (NeighbourUnavailable | FaultToleranceException e) {
            // the currency decides whether an amount-off coupon may be redeemed: never guessed
            throw unavailable();
        }
    }

    private static ApiException unavailable() {
        return new ApiException(502, "neighbour_unavailable", "Bad gateway",
                "The organisation's billing currency could not be read from subscription-service; try again shortly."
                        + " Nothing was redeemed.");
    }

    private Coupon coupon(UUID id) {
        return Optional.ofNullable(coupons.findById(id))
                .orElseThrow(() -> ApiException.notFound("coupon_not_found", "No coupon " + id + "."));
    }

    private void lock(String key) {
        coupons.getEntityManager()
                .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked")
                .setParameter(1, key).getSingleResult();
    }

    private static String currency(String code) {
        if (code == null || !code.matches("[A-Z]{3}")) {
            throw invalid("currency (an ISO-4217 code such as USD) is required for an amountOff coupon.");
        }
        try {
            java.util.Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw invalid("currency " + code + " is no ISO-4217 currency.");
        }
        return code;
    }

    private static Integer limit(Integer value, String field, boolean code) {
        if (value != null && value < 1) {
            throw code
                    ? ApiException.badRequest("promotion_code_invalid", field + " must be at least 1.")
                    : invalid(field + " must be at least 1.");
        }
        return value;
    }

    private static Instant future(Instant value, String field, Instant now, boolean code) {
        if (value == null) {
            return null;
        }
        if (!value.isAfter(now) || value.isAfter(now.plus(MAX_YEARS_AHEAD * 366, ChronoUnit.DAYS))) {
            String detail = field + " must be after now and within " + MAX_YEARS_AHEAD + " years.";
            throw code ? ApiException.badRequest("promotion_code_invalid", detail) : invalid(detail);
        }
        return value;
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw invalid(field + " is required.");
        }
        return value;
    }

    private static int decimals(BigDecimal v) {
        return Math.max(0, v.stripTrailingZeros().scale());
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("coupon_invalid", detail);
    }
}
