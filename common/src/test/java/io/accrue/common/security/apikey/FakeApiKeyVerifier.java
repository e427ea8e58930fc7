package io.accrue.common.security.apikey;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

/** Stands in for subscription-service in common's tests: keys by hash, calls counted, an outage switch. */
@Singleton
public class FakeApiKeyVerifier implements ApiKeyVerifier {

    static final Map<String, ApiKeyGrant> GRANTS = new ConcurrentHashMap<>();
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicBoolean DOWN = new AtomicBoolean();

    @Override
    public Optional<ApiKeyGrant> verify(String keyHash) {
        CALLS.incrementAndGet();
        if (DOWN.get()) {
            throw new Unavailable("stand-in is down", null);
        }
        return Optional.ofNullable(GRANTS.get(keyHash));
    }
}
