package io.accrue.usage.entitlements;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.usage.client.AccountStatus;
import io.accrue.usage.client.AccountStatus.Entitlements;

class EntitlementRulesTest {

    private static final Entitlements PLAN = new Entitlements(List.of("sso"), List.of(),
            Map.of("llm_tokens", 1000L, "agent_sessions", 0L), Map.of("region", "eu"));

    @ParameterizedTest(name = "{0} {1} used {2}: {3} entitled={4}")
    @CsvSource(nullValues = "-", value = {
            // status,    name,          used, kind,    entitled, remaining, value
            "active,      sso,           0,    feature, true,     -,         -",
            "active,      white-label,   0,    feature, false,    -,         -",
            "active,      region,        0,    config,  true,     -,         eu",
            "active,      llm_tokens,    0,    limit,   true,     1000,      -",
            "active,      llm_tokens,    999,  limit,   true,     1,         -",
            "active,      llm_tokens,    1000, limit,   false,    0,         -", // used == limit: used up
            "active,      llm_tokens,    1500, limit,   false,    0,         -", // never a negative remainder
            "active,      agent_sessions,0,    limit,   false,    0,         -", // a zero limit entitles nothing
            "past_due,    sso,           0,    feature, true,     -,         -", // dunning still serves
            "grace,       llm_tokens,    10,   limit,   true,     990,       -",
            "suspended,   sso,           0,    feature, false,    -,         -",
            "suspended,   region,        0,    config,  false,    -,         eu",
            "canceled,    llm_tokens,    0,    limit,   false,    1000,      -",
    })
    void answers(String status, String name, long used, String kind, boolean entitled, Long remaining, String value) {
        AccountStatus account = new AccountStatus("o", status, "team", Instant.EPOCH, Instant.EPOCH, PLAN);
        EntitlementView v = EntitlementRules.answer(account, name, meter -> used);
        assertEquals(EntitlementView.Kind.valueOf(kind), v.kind());
        assertEquals(entitled, v.entitled());
        assertEquals(remaining, v.remaining());
        assertEquals(value, v.value());
    }

    @ParameterizedTest
    @CsvSource({"gpt-4o-mini,-,true", "GPT-4O-MINI,-,true", "mini,gpt-4o-mini,true", "gpt-4o,gpt-4o,false"})
    void aModelListMatchesTheSpellingOrTheCanonicalId(String model, String canonical, boolean allowed) {
        var e = new Entitlements(List.of(), List.of("gpt-4o-mini"), Map.of(), Map.of());
        assertEquals(allowed, e.allowsModel(model, "-".equals(canonical) ? null : canonical));
        assertEquals(true, new Entitlements(null, null, null, null).allowsModel(model, null));
    }
}
