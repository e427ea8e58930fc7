package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.accrue.deploy.kustomize.Tree;

/**
 * Runs the period-close CronJob's own script (as the production overlay builds it) with sh and curl against a
 * local token endpoint and invoice-service stand-in: it must get a client-credentials token and post the billing
 * run with it, and must not post anything when it gets no token.
 */
class CronJobScriptTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdmMifQ.c2lnbmF0dXJl";

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String tokenResponse;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/realms/accrue/protocol/openid-connect/token", this::token);
        server.createContext("/v1/billing-runs", this::billingRun);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void token(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String basic = "Basic "
                + Base64.getEncoder().encodeToString("period-close:s3cret".getBytes(StandardCharsets.UTF_8));
        boolean ok = exchange.getRequestMethod().equals("POST") && body.equals("grant_type=client_credentials")
                && basic.equals(exchange.getRequestHeaders().getFirst("Authorization"));
        requests.add("token " + (ok ? "ok" : "bad: " + body));
        respond(exchange, ok ? 200 : 401, ok ? tokenResponse : "{\"error\":\"unauthorized_client\"}");
    }

    private void billingRun(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                + exchange.getRequestHeaders().getFirst("Authorization") + " "
                + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
        respond(exchange, 202, "{\"id\":\"run-1\",\"status\":\"running\"}");
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private int runScript() throws Exception {
        Assumptions.assumeTrue(onPath("sh") && onPath("curl"), "sh and curl are needed to run the CronJob script");
        Map<String, Object> container = Tree.maps(Manifests.build("production").get("CronJob", "period-close"),
                "spec", "jobTemplate", "spec", "template", "spec", "containers").get(0);
        List<String> command = Tree.list(container, "command").stream().map(String::valueOf).toList();
        assertEquals("/bin/sh", command.get(0));
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        ProcessBuilder builder = new ProcessBuilder("sh", command.get(1), command.get(2)).redirectErrorStream(true);
        builder.environment().put("INVOICE_URL", base);
        builder.environment().put("TOKEN_URL", base + "/realms/accrue/protocol/openid-connect/token");
        builder.environment().put("CLIENT_ID", "period-close");
        builder.environment().put("CLIENT_SECRET", "s3cret");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        return process.exitValue();
    }

    @Test
    void getsAClientCredentialsTokenThenPostsTheBillingRunWithIt() throws Exception {
        // Keycloak's answer, compact JSON
        tokenResponse = "{\"access_token\":\"" + JWT + "\",\"expires_in\":300,\"refresh_expires_in\":0,"
                + "\"token_type\":\"Bearer\",\"not-before-policy\":0,\"scope\":\"profile email\"}";
        assertEquals(0, runScript());
        assertEquals(List.of("token ok", "POST /v1/billing-runs Bearer " + JWT + " application/json {}"), requests);
    }

    @Test
    void readsTheTokenFromSpacedJsonToo() throws Exception {
        tokenResponse = "{ \"token_type\" : \"Bearer\", \"access_token\" : \"" + JWT + "\", \"expires_in\" : 300 }";
        assertEquals(0, runScript());
        assertEquals("POST /v1/billing-runs Bearer " + JWT + " application/json {}", requests.get(1));
    }

    @Test
    void postsNothingWithoutAToken() throws Exception {
        tokenResponse = "{\"token_type\":\"Bearer\"}";
        assertNotEquals(0, runScript());
        assertEquals(List.of("token ok"), requests);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (new java.io.File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
