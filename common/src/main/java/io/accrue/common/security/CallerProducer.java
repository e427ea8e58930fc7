package io.accrue.common.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.accrue.common.security.apikey.ApiKeyPrincipal;
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
        boolean ambiguous = false;
        if (identity.getPrincipal() instanceof ApiKeyPrincipal key) {
            return new Caller(key.getName(), Set.copyOf(identity.getRoles()), Optional.of(key.organisationId()),
                    Optional.of(key.environment()));
        }
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            // several organisations (Keycloak Organizations without one selected) are none: never the first of them
            List<String> orgs = TokenClaims.values(jwt, config.orgClaim());
            ambiguous = orgs.size() > 1;
            org = orgs.size() == 1 ? Optional.of(orgs.get(0)) : Optional.empty();
            env = TokenClaims.string(jwt, config.environmentClaim()).flatMap(Environment::parse);
        }
        return new Caller(identity.getPrincipal().getName(), Set.copyOf(identity.getRoles()), org, env, ambiguous);
    }
}
