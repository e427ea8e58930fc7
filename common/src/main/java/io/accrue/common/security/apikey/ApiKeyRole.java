package io.accrue.common.security.apikey;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.accrue.common.security.Roles;

/**
 * What an API key may do, as the token roles it stands for: a key is authorised exactly like a token holding them
 * (same {@code @RolesAllowed}, same organisation scope).
 */
public enum ApiKeyRole {
    /** A gateway's key: post usage, check / reserve / settle quota, in the key's environment. */
    USAGE_REPORTER("usage-reporter", Roles.USAGE_REPORTER),
    /** Read status, usage summaries and invoices: a token's {@code member}. */
    READ_ONLY("read-only", Roles.MEMBER),
    /** A backend's key for managing the organisation's billing: a token's {@code billing-admin}. */
    ADMIN("admin", Roles.BILLING_ADMIN);

    private final String wireName;
    private final String role;

    ApiKeyRole(String wireName, String role) {
        this.wireName = wireName;
        this.role = role;
    }

    public String wireName() {
        return wireName;
    }

    /** The token roles a key of this kind holds. */
    public Set<String> roles() {
        return Set.of(role);
    }

    public static Optional<ApiKeyRole> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (ApiKeyRole r : values()) {
            if (r.wireName.equals(v)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
