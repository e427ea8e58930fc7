package io.accrue.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenRefusalsTest {

    private static final String KC = "http://127.0.0.1:8180/realms/accrue";

    @ParameterizedTest(name = "{0} (expect iss {1}, aud {2}) -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // issuer: the same realm reached via another host name is another issuer
            "{\"iss\":\"http://localhost:8180/realms/accrue\",\"azp\":\"acme-gateway-live\"} | " + KC
                    + " | -      | issuer 'http://localhost:8180/realms/accrue' is not the expected",
            "{\"iss\":\"" + KC + "/\"}                                 | " + KC + " | -      | -",
            "{\"azp\":\"x\"}                                           | " + KC + " | -      | issuer missing",
            "{\"iss\":\"http://localhost:8180/realms/accrue\"}         | any        | -      | -",
            // audience: only when one is required
            "{\"iss\":\"" + KC + "\",\"aud\":\"account\",\"azp\":\"reports-app\"} | " + KC
                    + " | accrue | audience [account] does not include 'accrue' (client reports-app)",
            "{\"iss\":\"" + KC + "\",\"aud\":[\"accrue\",\"account\"]} | " + KC + " | accrue | -",
            "{\"iss\":\"" + KC + "\"}                                  | " + KC + " | accrue | audience [] does not",
            "{\"iss\":\"" + KC + "\",\"aud\":\"account\"}              | " + KC + " | -      | -",
            // what is not the deployment's business is not logged here
            "not json                                                  | " + KC + " | accrue | -"})
    void saysWhyOnlyForIssuerAndAudience(String payload, String issuer, String audience, String expected) {
        String token = "e30." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        Optional<String> line = TokenRefusals.describe(token, Optional.of(issuer),
                audience == null ? List.of() : List.of(audience));
        if (expected == null) {
            assertEquals(Optional.empty(), line);
        } else {
            assertTrue(line.orElse("").contains(expected), line.toString());
        }
    }
}
