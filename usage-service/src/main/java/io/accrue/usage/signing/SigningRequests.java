package io.accrue.usage.signing;

import java.time.Instant;
import java.util.UUID;

public final class SigningRequests {

    private SigningRequests() {
    }

    /** A secret as listed: never the secret itself, only its last four characters. */
    public record SecretView(UUID id, String clientId, String hint, Instant createdAt, String createdBy) {
        static SecretView of(ClientSecret s) {
            return new SecretView(s.id, s.clientId, s.hint, s.createdAt, s.createdBy);
        }
    }

    /** The answer to a creation, the only time the secret is shown. */
    public record CreatedSecret(UUID id, String clientId, String secret, String hint, Instant createdAt,
            String header, String signs) {}
}
