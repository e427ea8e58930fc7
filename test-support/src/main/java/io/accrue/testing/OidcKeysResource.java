package io.accrue.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A test OIDC issuer without a server: a fresh RSA key pair whose public half quarkus-oidc validates
 * against ({@code quarkus.oidc.public-key}) and whose private half {@link TestTokens} signs with. Tokens are
 * validated by quarkus-oidc exactly as a provider's would be: signature, issuer, expiry.
 */
public class OidcKeysResource implements QuarkusTestResourceLifecycleManager {

    public static final String ISSUER = "https://issuer.accrue.test";

    private static KeyPair keys;
    private static Path privateKeyFile;

    static synchronized KeyPair keys() {
        if (keys == null) {
            keys = newKeyPair();
            try {
                privateKeyFile = Files.createTempFile("accrue-test-signing", ".pem");
                privateKeyFile.toFile().deleteOnExit();
                Files.writeString(privateKeyFile, "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keys;
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> start() {
        KeyPair pair = keys();
        return Map.of(
                "quarkus.oidc.public-key", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                "quarkus.oidc.token.issuer", ISSUER,
                "smallrye.jwt.sign.key.location", privateKeyFile.toUri().toString());
    }

    @Override
    public void stop() {
    }
}
