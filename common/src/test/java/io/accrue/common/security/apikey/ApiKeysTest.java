package io.accrue.common.security.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.accrue.common.security.Environment;

class ApiKeysTest {

    @ParameterizedTest
    @EnumSource(Environment.class)
    void aGeneratedKeyParsesAsItsEnvironment(Environment env) {
        String key = ApiKeys.generate(env);
        assertTrue(key.startsWith("acr_" + env.wireName() + "_"), key);
        assertEquals(ApiKeys.LENGTH, key.length());
        assertTrue(key.matches("acr_(live|test)_[0-9A-Za-z]{49}"), key);
        assertEquals(Optional.of(env), ApiKeys.parse(key));
    }

    @Test
    void everyKeyIsNewAndItsHashIsHexSha256() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(ApiKeys.generate(Environment.LIVE));
        }
        assertEquals(1000, keys.size());
        String key = keys.iterator().next();
        assertTrue(ApiKeys.hash(key).matches("[0-9a-f]{64}"));
        assertEquals(ApiKeys.hash(key), ApiKeys.hash(key));
    }

    @Test
    void anyChangedCharacterBreaksTheChecksum() {
        String key = ApiKeys.generate(Environment.TEST);
        for (int i = 9; i < key.length(); i++) {
            char c = key.charAt(i);
            String changed = key.substring(0, i) + (c == 'a' ? 'b' : 'a') + key.substring(i + 1);
            assertEquals(Optional.empty(), ApiKeys.parse(changed), "position " + i);
        }
        // the environment is inside the checksum: a test key relabelled live is refused
        assertEquals(Optional.empty(), ApiKeys.parse(key.replace("acr_test_", "acr_live_")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "acr_", "acr_live_", "acr_prod_0123456789012345678901234567890123456789012345678",
            "acr_live_012345678901234567890123456789012345678901234567", // one short
            "acr_live_01234567890123456789012345678901234567890123456789", // one long
            "acr_live_0123456789012345678901234567890123456789012345-78",
            "acr_live_ 123456789012345678901234567890123456789012345678",
            "acr_live_é123456789012345678901234567890123456789012345678",
            "ACR_LIVE_0123456789012345678901234567890123456789012345678"})
    void malformedKeysDoNotParse(String value) {
        assertEquals(Optional.empty(), ApiKeys.parse(value));
    }

    @Test
    void theHintShowsThePrefixAndTheEndsOnly() {
        String key = ApiKeys.generate(Environment.LIVE);
        String hint = ApiKeys.hint(key);
        assertEquals(key.substring(0, 13) + "…" + key.substring(key.length() - 4), hint);
        assertNotEquals(key, hint);
    }
}
