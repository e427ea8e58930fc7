package io.accrue.usage.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OpenApiFuzzer;
import io.accrue.testing.RowCounts;
import io.accrue.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Every operation of this service's OpenAPI document, fed generated bad input with a token carrying every role: never
 * a 500, every error problem+json, and no row of any table changed by a rejected request. Its own profile gives it
 * a fresh database (and keeps what it creates away from the other tests).
 */
@QuarkusTest
@TestProfile(OpenApiFuzzTest.Isolated.class)
class OpenApiFuzzTest {

    public static class Isolated implements QuarkusTestProfile {
    }

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URL base;

    @Test
    void everyOperationSurvivesBadInput() throws Exception {
        String org = "fuzz-org";
        String token = TestTokens.as(Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER,
                Roles.USAGE_REPORTER, Roles.BILLING_SERVICE).org(org).environment("test").token();
        OpenApiFuzzer.Report report = new OpenApiFuzzer(base.toString(), token, Map.of("orgId", org),
                () -> RowCounts.of(dataSource)).run();
        assertTrue(report.operations() >= 5 && report.requests() > report.operations(), report.toString());
        System.out.printf("fuzz: %d operations, %d requests, %d findings%n", report.operations(), report.requests(),
                report.findings().size());
        List<OpenApiFuzzer.Finding> findings = report.findings();
        assertEquals("", findings.stream().map(Object::toString).collect(Collectors.joining("\n")),
                findings.size() + " of " + report.requests() + " requests over " + report.operations()
                        + " operations broke a rule");
    }
}
