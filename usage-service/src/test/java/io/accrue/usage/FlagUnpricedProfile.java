package io.accrue.usage;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** {@code unknown-model=flag}: usage ingestion cannot price is accepted unpriced (one app for the tests using it). */
public class FlagUnpricedProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() { return Map.of("accrue.usage.ingest.unknown-model", "flag"); }
}
