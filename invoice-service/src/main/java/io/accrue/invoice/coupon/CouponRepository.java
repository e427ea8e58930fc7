package io.accrue.invoice.coupon;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Coupons, their promotion codes, redemptions and per-period applications (V20). */
@ApplicationScoped
public class CouponRepository implements PanacheRepositoryBase<Coupon, UUID> {

    /**
     * Counts one redemption of the coupon if its limit allows: one guarded UPDATE, so PostgreSQL serialises racing
     * redemptions on the row and re-checks the limit for each (exactly {@code maxRedemptions} succeed).
     */
    public boolean takeRedemption(UUID couponId) {
        return update("timesRedeemed = timesRedeemed + 1 where id = ?1"
                + " and (maxRedemptions is null or timesRedeemed < maxRedemptions)", couponId) == 1;
    }

    /** The same for a promotion code's own limit. */
    public boolean takeCodeRedemption(UUID codeId) {
        return getEntityManager().createQuery("update PromotionCode p set p.timesRedeemed = p.timesRedeemed + 1"
                + " where p.id = :id and (p.maxRedemptions is null or p.timesRedeemed < p.maxRedemptions)")
                .setParameter("id", codeId).executeUpdate() == 1;
    }

    public List<Coupon> newestFirst(int limit) {
        return find("order by createdAt desc, id").page(0, limit).list();
    }

    /** Case-insensitive, as the unique index {@code promotion_codes_code} is. */
    public Optional<PromotionCode> code(String code) {
        return getEntityManager()
                .createQuery("select p from PromotionCode p where lower(p.code) = lower(:code)", PromotionCode.class)
                .setParameter("code", code).getResultStream().findFirst();
    }

    public boolean codeTaken(String code) {
        return code(code).isPresent();
    }

    public Optional<PromotionCode> codeOf(UUID couponId, UUID codeId) {
        return getEntityManager()
                .createQuery("select p from PromotionCode p where p.id = :id and p.couponId = :c", PromotionCode.class)
                .setParameter("id", codeId).setParameter("c", couponId).getResultStream().findFirst();
    }

    public List<PromotionCode> codes(UUID couponId) {
        return getEntityManager()
                .createQuery("select p from PromotionCode p where p.couponId = :c order by p.createdAt, p.id",
                        PromotionCode.class)
                .setParameter("c", couponId).getResultList();
    }

    public void persistCode(PromotionCode code) {
        getEntityManager().persist(code);
    }

    public void persistRedemption(CouponRedemption redemption) {
        getEntityManager().persist(redemption);
    }

    public void persistApplication(CouponApplication application) {
        getEntityManager().persist(application);
    }

    public boolean redeemed(String orgId, UUID couponId) {
        return !getEntityManager()
                .createQuery("select r.id from CouponRedemption r where r.orgId = :o and r.couponId = :c", UUID.class)
                .setParameter("o", orgId).setParameter("c", couponId).getResultList().isEmpty();
    }

    /** The organisation's redemptions in redemption order. */
    public List<CouponRedemption> redemptions(String orgId) {
        return getEntityManager()
                .createQuery("select r from CouponRedemption r where r.orgId = :o order by r.seq",
                        CouponRedemption.class)
                .setParameter("o", orgId).getResultList();
    }

    /** The periods before {@code before} a redemption was used by (its applications). */
    public long usedBefore(UUID redemptionId, java.time.Instant before) {
        return getEntityManager().createQuery("select count(a) from CouponApplication a"
                + " where a.redemptionId = :r and a.periodStart < :before", Long.class)
                .setParameter("r", redemptionId).setParameter("before", before).getSingleResult();
    }

    public List<CouponApplication> applications(UUID redemptionId) {
        return getEntityManager().createQuery(
                "select a from CouponApplication a where a.redemptionId = :r order by a.periodStart",
                CouponApplication.class).setParameter("r", redemptionId).getResultList();
    }
}
