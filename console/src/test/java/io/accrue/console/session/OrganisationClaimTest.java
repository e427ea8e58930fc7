package io.accrue.console.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrganisationClaimTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "{\"org_id\":\"acme\"}                              | acme",
            "{\"org_id\":[\"acme\"]}                            | acme",
            "{\"org_id\":{\"acme\":{\"id\":\"1\"}}}             | acme",
            "{\"org_id\":[\"acme\",\"globex\"]}                 | -",
            "{\"org_id\":{\"acme\":{},\"globex\":{}}}           | -",
            "{\"org_id\":[]}                                    | -",
            "{\"org_id\":\" \"}                                 | -",
            "{\"sub\":\"x\"}                                    | -"})
    void oneOrganisationOrNone(String payload, String expected) {
        String jwt = "e30." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
        assertEquals(Optional.ofNullable(expected), OrganisationClaim.single(OrganisationClaim.claimOf(jwt, "org_id")));
    }
}
