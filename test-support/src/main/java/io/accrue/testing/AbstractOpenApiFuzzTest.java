package io.accrue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * The schema-driven fuzz test every service runs (annotate the subclass {@code @QuarkusTest} with a
 * {@code @TestProfile} of its own, so it gets a fresh database): every operation of the service's
 * {@code /q/openapi}, fed generated bad input with a token carrying every role, never answers a 500, every error is
 * problem+json, and no row of any table changes on a rejection; and every string the API accepts publishes its
 * maximum length. A subclass only says which organisation to fuzz in, when the default one does not fit.
 */
public abstract class AbstractOpenApiFuzzTest {

    /** Every role of the suite (the values of {@code io.accrue.common.security.Roles}; common's tests use this module, so it cannot use common). */
    private static final String[] ALL_ROLES = {"platform-operator", "owner", "billing-admin", "member",
            "usage-reporter", "billing-service"};

    @Inject
    protected DataSource dataSource;

    @TestHTTPResource("/")
    protected URL base;

    /** The organisation the token names and {@code {orgId}} paths use. */
    protected String organisation() {
        return "fuzz-org";
    }

    @Test
    void everyOperationSurvivesBadInput() throws Exception {
        String org = organisation();
        String token = TestTokens.as(ALL_ROLES).org(org).environment("test").token();
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

    /**
     * Every string a request can carry has a maxLength in {@code /q/openapi}, and docs/api-limits.md has one row per
     * limit (both ways: no row missing, no row left over).
     */
    @Test
    void everyAcceptedStringHasAPublishedAndDocumentedMaximum() throws Exception {
        HttpResponse<String> openapi = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + "/q/openapi?format=json"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, openapi.statusCode());
        JsonNode api = new ObjectMapper().readTree(openapi.body());
        List<String> unbounded = OpenApiLimits.unboundedStrings(api);
        assertEquals("", String.join("\n", unbounded),
                unbounded.size() + " request strings without maxLength (docs/api-limits.md)");

        // docs/api-limits.md lists exactly these limits (the module's tests run in its directory)
        Path doc = Path.of("..", "docs", "api-limits.md");
        List<String> published = OpenApiLimits.rows(api);
        String service = published.isEmpty() ? "" : published.get(0).split("\\|")[1].strip();
        Set<String> documented = new LinkedHashSet<>();
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("| " + service + " |")) {
                documented.add(line.strip());
            }
        }
        List<String> missing = published.stream().filter(r -> !documented.contains(r)).toList();
        List<String> stale = documented.stream().filter(r -> !published.contains(r)).toList();
        assertEquals("", String.join("\n", missing), missing.size() + " limits missing from " + doc);
        assertEquals("", String.join("\n", stale), stale.size() + " rows of " + doc + " this service does not have");
    }
}
