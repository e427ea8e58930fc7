package io.accrue.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Length limits (docs/api-limits.md): a string over its maximum is 400 {@code value_too_long} naming it, in a body,
 * a path segment or a query parameter; and what a client gets beyond Netty's own 64 KiB limits, where no handler of
 * the application runs.
 */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
class LimitsWebTest {

    private static final String PROBLEM = "application/problem+json";

    @TestHTTPResource("/")
    URL base;

    private static io.restassured.specification.RequestSpecification owner() {
        return given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON);
    }

    @Test
    void aBodyStringOverItsSizeIsValueTooLong() {
        owner().body("{\"name\":\"" + "n".repeat(200) + "\",\"quantity\":1}").post("/test/orgs/a/widgets").then()
                .statusCode(200);
        owner().body("{\"name\":\"" + "n".repeat(201) + "\",\"quantity\":1}").post("/test/orgs/a/widgets").then()
                .statusCode(400).contentType(PROBLEM).body("code", equalTo("value_too_long"))
                .body("violations[0].field", equalTo("name"));
        // with another violation as well, the answer is 422 validation_failed listing both
        owner().body("{\"name\":\"" + "n".repeat(201) + "\"}").post("/test/orgs/a/widgets").then()
                .statusCode(422).body("code", equalTo("validation_failed")).body("violations.size()", equalTo(2));
        owner().body("{\"name\":\"\",\"quantity\":1}").post("/test/orgs/a/widgets").then().statusCode(422)
                .body("code", equalTo("validation_failed"));
    }

    @Test
    void aPathSegmentOrQueryParameterOverTheLimitIsValueTooLong() {
        owner().get("/test/orgs/a/widgets?cursor=" + "c".repeat(513)).then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("value_too_long")).body("violations[0].field", equalTo("cursor"));
        owner().get("/test/orgs/" + "o".repeat(513) + "/widgets").then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("value_too_long")).body("violations[0].field", equalTo("path"));
        // 512 is within the limit: the request reaches the route (and its own rules)
        owner().get("/test/orgs/a/widgets?x=" + "c".repeat(512)).then().statusCode(200);
    }

    @Test
    void theOpenApiPublishesTheLimits() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/test/orgs/{orgId}/widgets'.get.parameters.find { it.name == 'cursor' }.schema.maxLength",
                        equalTo(512))
                .body("components.schemas.Widget.properties.name.maxLength", equalTo(200));
    }

    /**
     * Beyond {@code quarkus.http.limits.max-initial-line-length} (64 KiB) Netty's decoder refuses the request line
     * before any route exists, and Vert.x answers it itself: a bare {@code 414} (431 for headers) with
     * {@code content-length: 0}, no body, and closes the connection. Quarkus 3.34 offers no hook for that answer (Vert.x's
     * {@code HttpServer.invalidRequestHandler} is not exposed), so docs/errors.md documents exactly this.
     */
    @Test
    void beyondNettysLimitsTheAnswerIsBareAndTheConnectionCloses() throws IOException {
        String uriAnswer = raw("GET /test/orgs/a/widgets?x=" + "a".repeat(70 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        System.out.println("beyond the request-line limit: " + uriAnswer.replace("\r\n", "\\r\\n"));
        // the request line did not parse, so Vert.x answers as HTTP/1.0 (which closes after the answer)
        assertTrue(uriAnswer.startsWith("HTTP/1.0 414 Request-URI Too Long\r\n"), uriAnswer);
        assertBare(uriAnswer);
        String headerAnswer = raw("GET /test/orgs/a/widgets HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70 * 1024)
                + "\r\n\r\n");
        System.out.println("beyond the header limit: " + headerAnswer.replace("\r\n", "\\r\\n"));
        assertTrue(headerAnswer.matches("(?s)HTTP/1\\.[01] 431 Request Header Fields Too Large\r\n.*"), headerAnswer);
        assertBare(headerAnswer);
    }

    private static void assertBare(String answer) {
        String head = answer.toLowerCase(java.util.Locale.ROOT);
        assertTrue(head.contains("content-length: 0\r\n"), answer);
        assertTrue(!head.contains("content-type"), answer);
        assertEquals("", answer.substring(answer.indexOf("\r\n\r\n") + 4), "no body");
    }

    /** Sends raw bytes and reads the answer until the server closes the connection. */
    private String raw(String request) throws IOException {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read everything
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    answer.write(buffer, 0, n);
                }
            } catch (java.net.SocketTimeoutException e) {
                return answer.toString(StandardCharsets.ISO_8859_1) + "[the server did not close the connection]";
            } catch (IOException e) {
                // a reset after the answer: what was read is the answer
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
