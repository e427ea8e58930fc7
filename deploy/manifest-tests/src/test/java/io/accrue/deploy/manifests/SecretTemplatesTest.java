package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;

/** The Secret templates name every key the workloads read, and none of them carries a real value. */
class SecretTemplatesTest {

    /** Shapes of real credentials: Stripe keys and webhook secrets, private keys, long random tokens. */
    private static final List<Pattern> REAL_LOOKING = List.of(
            Pattern.compile("(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}"),
            Pattern.compile("whsec_[A-Za-z0-9]{8,}"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            // 32+ token characters mixing digits, lower and upper case: a generated secret, not a placeholder
            Pattern.compile("(?=[A-Za-z0-9+/=_-]*[0-9])(?=[A-Za-z0-9+/=_-]*[a-z])(?=[A-Za-z0-9+/=_-]*[A-Z])"
                    + "[A-Za-z0-9+/=_-]{32,}"));

    @Test
    void everyTemplateValueIsAPlaceholder() {
        List<Map<String, Object>> secrets = Kustomize.build(Manifests.k8s().resolve("secrets"));
        assertFalse(secrets.isEmpty());
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> secret : secrets) {
            String name = Tree.str(secret, "metadata", "name");
            assertEquals("Secret", Tree.str(secret, "kind"), name);
            assertTrue(Tree.map(secret, "data").isEmpty(),
                    name + ": base64 data hides what a template holds; use stringData placeholders");
            Tree.map(secret, "stringData").forEach((key, value) -> {
                String text = String.valueOf(value);
                if (!text.contains("CHANGE_ME") || realLooking(text)) {
                    problems.add(name + "/" + key + " is not a CHANGE_ME placeholder");
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void noSecretAnywhereUnderDeployCarriesARealValue() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Manifests.k8s())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (Map<String, Object> doc : loadQuietly(file)) {
                    if (!"Secret".equals(Tree.str(doc, "kind"))) {
                        continue;
                    }
                    Tree.map(doc, "stringData").forEach((k, v) -> {
                        if (!String.valueOf(v).contains("CHANGE_ME") || realLooking(String.valueOf(v))) {
                            problems.add(file + ": " + k);
                        }
                    });
                    Tree.map(doc, "data").forEach((k, v) -> {
                        String decoded = new String(Base64.getDecoder().decode(String.valueOf(v)),
                                StandardCharsets.UTF_8);
                        if (!decoded.contains("CHANGE_ME") || realLooking(decoded)) {
                            problems.add(file + ": " + k);
                        }
                    });
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theCheckRecognisesRealValues() {
        assertTrue(realLooking("sk_live_" + "51H8abcdEFGHijklMNOP"));
        assertTrue(realLooking("whsec_" + "abcdefgh12345678"));
        assertTrue(realLooking("CHANGE_ME then Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg="));
        assertFalse(realLooking("CHANGE_ME-stripe-webhook-signing-secret"));
        assertFalse(realLooking("jdbc:postgresql://CHANGE_ME-db-host:5432/invoice?sslmode=verify-full"));
    }

    private static boolean realLooking(String value) {
        return REAL_LOOKING.stream().anyMatch(p -> p.matcher(value).find());
    }

    private static List<Map<String, Object>> loadQuietly(Path file) {
        try {
            return Kustomize.loadAll(file);
        } catch (RuntimeException notKubernetesObjects) {
            return List.of(); // kustomization files and JSON patches
        }
    }
}
