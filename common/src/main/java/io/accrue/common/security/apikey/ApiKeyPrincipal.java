package io.accrue.common.security.apikey;

import java.security.Principal;

import io.accrue.common.security.Environment;

/**
 * The principal of a request authenticated by an API key: {@link io.accrue.common.security.CallerProducer} reads the
 * organisation and environment from here as it reads them from a token's claims.
 */
public record ApiKeyPrincipal(String keyId, String organisationId, Environment environment) implements Principal {

    private static final String SUBJECT_PREFIX = "api-key:";

    /** The caller's subject (what the audit trail records as actor): {@code api-key:<id>}. */
    @Override
    public String getName() { return SUBJECT_PREFIX + keyId; }

    /** True for a {@code Caller.subject()} that is an API key's. */
    public static boolean isKeySubject(String subject) {
        return subject != null && subject.startsWith(SUBJECT_PREFIX);
    }
}
