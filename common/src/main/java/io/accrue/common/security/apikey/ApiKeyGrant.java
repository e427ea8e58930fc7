package io.accrue.common.security.apikey;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a valid key grants, as subscription-service (the keys' owner) answers it: the key's id, organisation,
 * environment and role, and when it stops being valid (its expiry, or the end of a rotation's overlap; null: never).
 */
// read by RemoteApiKeyVerifier outside JAX-RS, so a native image needs it registered (no service owns this record)
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApiKeyGrant(String keyId, String organisationId, String environment, String role, Instant expiresAt) {}
