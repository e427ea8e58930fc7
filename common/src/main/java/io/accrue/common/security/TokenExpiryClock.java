package io.accrue.common.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Qualifier;
import jakarta.inject.Singleton;

/**
 * The clock token expiry is judged by: the system clock, as quarkus-oidc judges it (never the adjustable business
 * clock). A bean of its own so that tests move it instead of waiting for a token to expire.
 */
@Singleton
public class TokenExpiryClock {

    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE})
    public @interface SystemTime {
    }

    @Produces
    @Singleton
    @SystemTime
    Clock systemClock() {
        return Clock.systemUTC();
    }
}
