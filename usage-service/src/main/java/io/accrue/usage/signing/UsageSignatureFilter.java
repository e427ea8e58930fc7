package io.accrue.usage.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.accrue.common.error.ApiException;
import io.accrue.common.error.Problems;
import io.accrue.common.security.Roles;
import io.accrue.common.security.SecurityConfig;
import io.accrue.common.security.TokenClaims;
import io.accrue.common.signing.Signatures;
import io.accrue.usage.config.UsageConfig;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Checks {@code Accrue-Signature} on {@code POST /v1/usage-events} for clients that have a signing secret, over
 * the raw body exactly as received, before the resource reads it. Kept outside the ingestion code on purpose:
 * ingestion never knows whether a request was signed. A rejection answers 401 and nothing is persisted, because
 * the resource never runs. Requests without a valid usage-reporter token pass through untouched, so security
 * answers them as before (401/403).
 */
public class UsageSignatureFilter {

    static final String PATH = "/v1/usage-events";
    private static final Pattern SLASHES = Pattern.compile("/{2,}");

    private final CurrentIdentityAssociation identities;
    private final SigningSecrets secrets;
    private final SecurityConfig security;
    private final UsageConfig config;
    private final Clock clock;

    UsageSignatureFilter(CurrentIdentityAssociation identities, SigningSecrets secrets, SecurityConfig security,
            UsageConfig config, Clock clock) {
        this.identities = identities;
        this.secrets = secrets;
        this.security = security;
        this.config = config;
        this.clock = clock;
    }

    @ServerRequestFilter
    public Uni<Response> verifyUsageSignature(ContainerRequestContext request) {
        // By prefix, on the decoded path with repeated slashes folded: "/v1/usage-events/" or "//v1/usage-events"
        // must not slip past the check while still reaching the resource.
        String path = SLASHES.matcher(request.getUriInfo().getPath()).replaceAll("/");
        if (!"POST".equalsIgnoreCase(request.getMethod()) || !path.startsWith(PATH)) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().map(identity -> verify(request, identity));
    }

    private Response verify(ContainerRequestContext request, SecurityIdentity identity) {
        if (identity.isAnonymous() || !identity.hasRole(Roles.USAGE_REPORTER)
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return null;
        }
        Optional<String> org = TokenClaims.string(jwt, security.orgClaim());
        if (org.isEmpty()) {
            return null; // the resource refuses it (organisation_missing)
        }
        List<String> keys = secrets.secretsFor(org.get(), clientId(jwt));
        if (keys.isEmpty()) {
            return null; // this client does not sign
        }
        byte[] body = readBody(request);
        Signatures.Outcome outcome = Signatures.verify(request.getHeaderString(Signatures.HEADER), body, keys,
                clock.instant(), config.signing().tolerance());
        return switch (outcome) {
            case VALID -> null;
            case MISSING -> refuse("signature_missing", "Signature missing",
                    "This client signs its usage events: send " + Signatures.HEADER + ": t=<unix seconds>,v1=<hex"
                            + " HMAC-SHA256 of \"<t>.<raw body>\">.");
            case INVALID -> refuse("signature_invalid", "Signature invalid",
                    "The " + Signatures.HEADER + " header does not match the body with any of this client's"
                            + " secrets.");
            case EXPIRED -> refuse("signature_expired", "Signature expired",
                    "The signature's timestamp is more than " + config.signing().tolerance().toSeconds()
                            + " s from the server clock; sign the request again with the current time.");
        };
    }

    /** The OIDC client the token was issued to ({@code azp}, Keycloak's and most providers'), else its subject. */
    static String clientId(JsonWebToken jwt) {
        return TokenClaims.string(jwt, "azp").or(() -> TokenClaims.string(jwt, "client_id")).orElse(jwt.getSubject());
    }

    private static byte[] readBody(ContainerRequestContext request) {
        try {
            byte[] body = request.getEntityStream().readAllBytes();
            request.setEntityStream(new ByteArrayInputStream(body));
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the request body", e);
        }
    }

    private static Response refuse(String code, String title, String detail) {
        // 401 like any authentication failure, but the bearer token was fine: no Bearer challenge.
        return Response.fromResponse(Problems.toResponse(new ApiException(401, code, title, detail)))
                .header(HttpHeaders.WWW_AUTHENTICATE, null).build();
    }
}
