package io.accrue.usage.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.error.ApiException;
import io.accrue.usage.plans.Enforcement;
import io.accrue.usage.quota.QuotaRules.Plan;
import io.accrue.usage.quota.QuotaRules.Usage;

/** The quota rules' precedence and each boundary ({@code >} for requests and tokens, {@code >=} for cost). */
class QuotaRulesTest {

    /**
     * A plan with every limit (10 requests a minute, 100 a day, 1,000 tokens a day, 5,000 a month, a cost cap of
     * 2.50) and models gpt-4o / claude; usage given per window; empty reason: allowed.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # case                                      | blocked | model       | est  | minute | dayReq | dayTok | monTok | monCost | reason
            nothing used                                | false   | gpt-4o      | 10   | 0      | 0      | 0      | 0      | 0       | -
            model list is case-insensitive              | false   | GPT-4O      | 10   | 0      | 0      | 0      | 0      | 0       | -
            no model named: model rule skipped          | false   | -           | 10   | 0      | 0      | 0      | 0      | 0       | -
            blocked beats every other rule              | true    | other-model | 9999 | 10     | 100    | 1000   | 5000   | 2.50    | end_user_blocked
            model beats burst                           | false   | other-model | 10   | 10     | 100    | 1000   | 5000   | 2.50    | model_not_allowed
            burst: 9 used + this one = 10 is allowed    | false   | gpt-4o      | 10   | 9      | 0      | 0      | 0      | 0       | -
            burst: 10 used + this one > 10              | false   | gpt-4o      | 10   | 10     | 0      | 0      | 0      | 0       | burst_limit
            burst beats daily requests                  | false   | gpt-4o      | 10   | 10     | 100    | 1000   | 5000   | 2.50    | burst_limit
            daily requests: 99 + 1 = 100 is allowed     | false   | gpt-4o      | 10   | 0      | 99     | 0      | 0      | 0       | -
            daily requests: 100 + 1 > 100               | false   | gpt-4o      | 10   | 0      | 100    | 0      | 0      | 0       | daily_request_limit
            daily requests beat daily tokens            | false   | gpt-4o      | 10   | 0      | 100    | 1000   | 5000   | 2.50    | daily_request_limit
            daily tokens: 990 + 10 = 1000 is allowed    | false   | gpt-4o      | 10   | 0      | 0      | 990    | 990    | 0       | -
            daily tokens: 991 + 10 > 1000               | false   | gpt-4o      | 10   | 0      | 0      | 991    | 991    | 0       | daily_token_limit
            an estimate of 0 counts as 1: 999 + 1 fits  | false   | gpt-4o      | 0    | 0      | 0      | 999    | 999    | 0       | -
            an estimate of 0 counts as 1: 1000 + 1 >    | false   | gpt-4o      | 0    | 0      | 0      | 1000   | 1000   | 0       | daily_token_limit
            daily tokens beat monthly tokens            | false   | gpt-4o      | 10   | 0      | 0      | 1000   | 5000   | 2.50    | daily_token_limit
            monthly tokens: 4990 + 10 = 5000 is allowed | false   | gpt-4o      | 10   | 0      | 0      | 0      | 4990   | 0       | -
            monthly tokens: 4991 + 10 > 5000            | false   | gpt-4o      | 10   | 0      | 0      | 0      | 4991   | 0       | monthly_token_limit
            monthly tokens beat the cost cap            | false   | gpt-4o      | 10   | 0      | 0      | 0      | 5000   | 2.50    | monthly_token_limit
            cost just under the cap is allowed          | false   | gpt-4o      | 10   | 0      | 0      | 0      | 0      | 2.499   | -
            cost equal to the cap is reached (>=)      | false   | gpt-4o      | 10   | 0      | 0      | 0      | 0      | 2.50    | monthly_cost_cap
            cost over the cap                           | false   | gpt-4o      | 10   | 0      | 0      | 0      | 0      | 3       | monthly_cost_cap
            """)
    void theFirstBrokenRuleInOrder(String name, boolean blocked, String model, long estimate, long minute,
            long dayRequests, long dayTokens, long monthTokens, BigDecimal monthCost, String reason) {
        Plan plan = new Plan("pro", Enforcement.BLOCK, 1000L, 5000L, 100L, new BigDecimal("2.50"), 10,
                new String[]{"gpt-4o", "claude"}, blocked);
        Usage usage = new Usage(dayTokens, dayRequests, monthTokens, monthCost, minute);
        QuotaRules.Breach breach = QuotaRules.breach(plan, usage, model, estimate);
        assertEquals(reason, breach == null ? null : breach.reason(), name);
    }

    @Test
    void limitsLeftOutAreNotChecked() {
        Plan open = new Plan("free", Enforcement.ALERT, null, null, null, null, null, new String[0], false);
        Usage huge = new Usage(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, new BigDecimal("1e9"),
                Long.MAX_VALUE / 2);
        assertNull(QuotaRules.breach(open, huge, "any-model", 1_000_000));
        assertNull(QuotaRules.breach(null, huge, "any-model", 1_000_000));
        var remaining = QuotaRules.remaining(open, huge);
        assertNull(remaining.dailyTokens());
        assertNull(remaining.monthlyCost());
    }

    @Test
    void windowsAndForbiddenReasons() {
        Usage none = new Usage(0, 0, 0, BigDecimal.ZERO, 0);
        assertEquals("day", QuotaRules.breach(Plan.blockedOnly(), none, null, 1).window());
        assertTrue(QuotaRules.breach(Plan.blockedOnly(), none, null, 1).forbidden());
        Plan burst = new Plan("p", Enforcement.BLOCK, null, null, null, null, 0, new String[0], false);
        QuotaRules.Breach b = QuotaRules.breach(burst, none, null, 1);
        assertEquals("minute", b.window());
        assertFalse(b.forbidden());
        Plan cost = new Plan("p", Enforcement.BLOCK, null, null, null, BigDecimal.ZERO, null, new String[0], false);
        assertEquals("month", QuotaRules.breach(cost, none, null, 1).window());
    }

    @Test
    void remainingNeverGoesBelowZero() {
        Plan plan = new Plan("pro", Enforcement.BLOCK, 1000L, 5000L, 100L, new BigDecimal("2.50"), 10, new String[0],
                false);
        var r = QuotaRules.remaining(plan, new Usage(1500, 120, 4000, new BigDecimal("3.10"), 12));
        assertEquals(0L, r.dailyTokens());
        assertEquals(1000L, r.monthlyTokens());
        assertEquals(0L, r.dailyRequests());
        assertEquals(0, BigDecimal.ZERO.compareTo(r.monthlyCost()));
        assertEquals(0L, r.requestsPerMinute());
    }

    @Test
    void windowsResetAtTheNextMinuteDayAndMonth() {
        var w = QuotaRules.Windows.at(Instant.parse("2024-02-29T23:59:30Z"));
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), w.reset("minute"));
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), w.reset("day"));
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), w.reset("month"));
        assertEquals(Instant.parse("2024-02-01T00:00:00Z"), w.month());
    }

    @Test
    void enforcementReadsItsWireNames() {
        assertEquals(Enforcement.BLOCK, Enforcement.parse("block"));
        assertEquals("alert", Enforcement.ALERT.wire());
        assertThrows(ApiException.class, () -> Enforcement.parse("BLOCK"));
        assertTrue(Enforcement.BLOCK.mayMoveTo(Enforcement.ALERT));
        assertTrue(Enforcement.ALERT.mayMoveTo(Enforcement.BLOCK));
    }
}
