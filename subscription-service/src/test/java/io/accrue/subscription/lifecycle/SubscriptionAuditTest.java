package io.accrue.subscription.lifecycle;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The "before" of every subscription audit entry is the state the changing transaction read from the database — also
 * on the scheduled rollover path, and when another replica changed the row since this one last looked at it.
 */
@QuarkusTest
class SubscriptionAuditTest {

    private static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;

    @Inject
    SubscriptionService subscriptions;

    @Inject
    AgroalDataSource dataSource;

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void theRolloverAuditsTheStateItReadNotAnEarlierMomentsState() throws Exception {
        String org = provision("rollaudit", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        // another replica schedules the cancellation at period end: this replica never saw that change
        try (var connection = dataSource.getConnection();
                var update = connection.prepareStatement(
                        "update subscriptions set cancel_at_period_end = true where org_id = ?")) {
            update.setString(1, org);
            assertEquals(1, update.executeUpdate());
        }

        clock.set(Instant.parse("2026-04-02T00:00:00Z"));
        subscriptions.rollOver(org);

        List<Map<String, String>> entries = as(org, Roles.OWNER).when().get("/v1/accounts/{o}/audit", org)
                .then().statusCode(200).extract().jsonPath().getList("items");
        Map<String, String> canceled = entries.get(entries.size() - 1);
        assertEquals("subscription.canceled", canceled.get("action"));
        assertTrue(canceled.get("before").contains("\"cancelAtPeriodEnd\":true"),
                "the before-state is the row as the rollover read it: " + canceled.get("before"));
        assertTrue(canceled.get("before").contains("\"status\":\"active\""), canceled.get("before"));
        assertTrue(canceled.get("after").contains("\"status\":\"canceled\""), canceled.get("after"));
    }

    @Test
    void eachEntryOfOneRolloverStartsWhereThePreviousEntryEnded() {
        String org = provision("rollchain", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        int before = auditEntries(org).size();

        // two periods behind: plan_changed, renewed, renewed in one transaction
        clock.set(Instant.parse("2026-05-02T00:00:00Z"));
        subscriptions.rollOver(org);

        List<Map<String, String>> entries = auditEntries(org);
        List<Map<String, String>> rollover = entries.subList(before, entries.size());
        assertEquals(List.of("subscription.plan_changed", "subscription.renewed", "subscription.renewed"),
                rollover.stream().map(e -> e.get("action")).toList());
        assertEquals(entries.get(before - 1).get("after"), rollover.get(0).get("before"),
                "the rollover starts from the state the last change left");
        assertTrue(rollover.get(0).get("before").contains("\"pendingPlan\":\"free v"), rollover.get(0).get("before"));
        assertTrue(rollover.get(0).get("after").contains("\"pendingPlan\":null"), rollover.get(0).get("after"));
        for (int i = 1; i < rollover.size(); i++) {
            assertEquals(rollover.get(i - 1).get("after"), rollover.get(i).get("before"), "entry " + i);
        }
    }

    private static List<Map<String, String>> auditEntries(String org) {
        return as(org, Roles.OWNER).when().get("/v1/accounts/{o}/audit", org)
                .then().statusCode(200).extract().jsonPath().getList("items");
    }
}
