package io.accrue.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class LocalOidcProviderTest {

    private static LocalOidcProvider provider;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        provider = new LocalOidcProvider(LocalRealm.load(), "127.0.0.1", 0);
        provider.start();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Test
    void machineClientGetsATokenVerifiableWithThePublishedKeys() throws Exception {
        HttpResponse<String> response = post("grant_type=client_credentials",
                "acme-gateway-live:acme-live-secret");
        assertEquals(200, response.statusCode(), response.body());
        String token = JSON.readTree(response.body()).get("access_token").asText();

        JwtClaims claims = verify(token);
        assertEquals(provider.issuer(), claims.getIssuer());
        assertEquals("acme", claims.getStringClaimValue("org_id"));
        assertEquals("live", claims.getStringClaimValue("environment"));
        assertEquals(java.util.List.of("usage-reporter"), claims.getStringListClaimValue("groups"));
    }

    @Test
    void demoUserGetsTheRolesAndOrganisationOfTheRealmFile() throws Exception {
        HttpResponse<String> response = post(
                "grant_type=password&client_id=accrue-cli&username=bob%40acme&password=bob",
                null);
        assertEquals(200, response.statusCode(), response.body());
        JwtClaims claims = verify(JSON.readTree(response.body()).get("access_token").asText());
        assertEquals("bob@acme", claims.getSubject());
        assertEquals(java.util.List.of("billing-admin"), claims.getStringListClaimValue("groups"));
        assertEquals("acme", claims.getStringClaimValue("org_id"));
        assertTrue(((Map<?, ?>) claims.getClaimValue("realm_access")).containsKey("roles"));
    }

    @Test
    void wrongSecretAndWrongPasswordAreRefused() throws Exception {
        assertEquals(401, post("grant_type=client_credentials", "acme-gateway-live:nope").statusCode());
        assertEquals(401, post("grant_type=password&client_id=accrue-cli&username=bob%40acme&password=x", null)
                .statusCode());
        assertEquals(400, post("grant_type=client_credentials&client_id=accrue-cli", null).statusCode());
        assertEquals(400, post("grant_type=implicit", "acme-gateway-live:acme-live-secret").statusCode());
    }

    @Test
    void discoveryNamesTheEndpoints() throws Exception {
        JsonNode config = JSON.readTree(HTTP.send(HttpRequest.newBuilder(
                URI.create(provider.issuer() + "/.well-known/openid-configuration")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(provider.issuer(), config.get("issuer").asText());
        assertEquals(provider.tokenEndpoint(), config.get("token_endpoint").asText());
    }

    private static JwtClaims verify(String token) throws Exception {
        String jwks = HTTP.send(HttpRequest.newBuilder(URI.create(provider.issuer() + "/protocol/openid-connect/certs"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return new JwtConsumerBuilder()
                .setExpectedIssuer(provider.issuer())
                .setExpectedAudience("account")
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .build()
                .processToClaims(token);
    }

    private static HttpResponse<String> post(String form, String basic) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (basic != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes()));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void authorizationCodeFlowSignsInAUserOnce() throws Exception {
        String redirect = "http://127.0.0.1:8085/callback";
        String login = provider.issuer() + "/protocol/openid-connect/auth";
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(login
                + "?response_type=code&client_id=accrue-console&redirect_uri=" + redirect + "&state=s1&nonce=n1"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, form.statusCode());
        assertTrue(form.body().contains("name=\"username\""));

        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(URI.create(login))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("response_type=code&client_id=accrue-console&redirect_uri="
                        + redirect + "&state=s1&username=alice%40acme&password=nope"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(wrong.body().contains("login-error"));

        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(URI.create(login))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("response_type=code&client_id=accrue-console&redirect_uri="
                        + redirect + "&state=s1&nonce=n1&username=alice%40acme&password=alice"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, signedIn.statusCode());
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(redirect + "?code=") && location.endsWith("&state=s1"), location);
        String code = location.substring(location.indexOf("code=") + 5, location.indexOf("&state"));

        String exchange = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + redirect;
        HttpResponse<String> tokens = post(exchange, "accrue-console:local-console-secret");
        assertEquals(200, tokens.statusCode(), tokens.body());
        JsonNode body = JSON.readTree(tokens.body());
        JwtClaims id = new JwtConsumerBuilder().setExpectedIssuer(provider.issuer())
                .setExpectedAudience("accrue-console")
                .setSkipSignatureVerification().build().processToClaims(body.get("id_token").asText());
        assertEquals("n1", id.getStringClaimValue("nonce"));
        assertEquals("acme", verify(body.get("access_token").asText()).getStringClaimValue("org_id"));

        assertEquals(400, post(exchange, "accrue-console:local-console-secret").statusCode(), "a code works once");
        HttpResponse<String> refreshed = post("grant_type=refresh_token&refresh_token="
                + body.get("refresh_token").asText(), "accrue-console:local-console-secret");
        assertEquals(200, refreshed.statusCode());
    }

    @Test
    void unregisteredRedirectIsRefused() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(provider.issuer()
                + "/protocol/openid-connect/auth?response_type=code&client_id=accrue-console&redirect_uri=http://evil.example/cb"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
    }
}
