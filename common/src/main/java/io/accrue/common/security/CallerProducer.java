package io.accrue.common.security;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/** Makes the current {@link Caller} injectable into resources and services. */
public class CallerProducer {

    private final SecurityIdentity identity;
    private final SecurityConfig config;

    CallerProducer(SecurityIdentity identity, SecurityConfig config) {
        this.identity = identity;
        this.config = config;
    }

    @Produces
    @RequestScoped
    Caller caller() {
        return from(identity, config);
    }

    static Caller from(SecurityIdentity identity, SecurityConfig config) {
        if (identity == null || identity.isAnonymous()) {
            return new Caller("anonymous", Set.of(), Optional.empty(), Optional.empty());
        }
        Optional<String> org = Optional.empty();
        Optional<Environment> env = Optional.empty();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            org = TokenClaims.string(jwt, config.orgClaim());
            env = TokenClaims.string(jwt, config.environmentClaim()).flatMap(Environment::parse);
        }
        return new Caller(identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()), org, env);
    }
}
