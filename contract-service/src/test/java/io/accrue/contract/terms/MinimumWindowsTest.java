package io.accrue.contract.terms;

import static io.accrue.contract.ContractFixtures.createActive;
import static io.accrue.contract.ContractFixtures.draft;
import static io.accrue.contract.ContractFixtures.service;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The window of a contract minimum that invoice-service tops up (billing-rules "Invoices", rule 8a): stepped from
 * the term start like commitment windows, the last one cut by the term end and its minimum prorated by seconds.
 */
@QuarkusTest
class MinimumWindowsTest {

    @ParameterizedTest(name = "at {0}: [{1}, {2}) minimum {3}")
    @CsvSource({
            "2026-03-20T00:00:00Z, 2026-03-10T00:00:00Z, 2026-04-10T00:00:00Z, 1000.000000000000",
            "2026-04-09T23:59:59Z, 2026-03-10T00:00:00Z, 2026-04-10T00:00:00Z, 1000.000000000000",
            "2026-04-10T00:00:00Z, 2026-04-10T00:00:00Z, 2026-05-10T00:00:00Z, 1000.000000000000",
            // the term ends on 25 June: the last window is 15 of its 30 days, so half the minimum
            "2026-06-20T00:00:00Z, 2026-06-10T00:00:00Z, 2026-06-25T00:00:00Z, 500.000000000000"})
    void windowContainingTheInstant(String at, String start, String end, String amount) {
        String org = "minw-" + UUID.randomUUID().toString().substring(0, 8);
        createActive(org, draft("2026-03-10T00:00:00Z", "2026-06-25T00:00:00Z", "3000.00", "quarterly"));
        service().queryParam("at", at).when().get("/v1/orgs/{org}/contracts/terms", org)
                .then().statusCode(200)
                .body("minimums[0].period", equalTo("monthly"))
                .body("minimums[0].periodStart", equalTo(start))
                .body("minimums[0].periodEnd", equalTo(end))
                .body("minimums[0].amount.amount", equalTo(amount))
                .body("minimums[0].amount.currency", equalTo("USD"));
    }
}
