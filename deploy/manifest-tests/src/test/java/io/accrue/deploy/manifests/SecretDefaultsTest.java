package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * No secret ships with a production default: in every module's application.properties a secret property (password,
 * secret, api key) outside the {@code %dev}/{@code %test} profiles is exactly {@code ${VARIABLE}}, so a production
 * start without the variable fails naming it; and every such variable is one the manifests set.
 */
class SecretDefaultsTest {

    private static final Pattern SECRET_PROPERTY = Pattern.compile("(?i).*(password|secret|api-key)$");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    @Test
    void secretsHaveNoProductionDefaultAndOneNameEach() throws IOException {
        Path root = Manifests.k8s().getParent().getParent();
        String manifests;
        try (Stream<Path> yaml = Files.walk(Manifests.k8s())) {
            StringBuilder all = new StringBuilder();
            for (Path f : yaml.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                all.append(Files.readString(f));
            }
            manifests = all.toString();
        }
        List<String> problems = new ArrayList<>();
        int secrets = 0;
        for (String module : List.of("subscription-service", "usage-service", "invoice-service", "contract-service",
                "console")) {
            Properties props = new Properties();
            try (Reader r = Files
                    .newBufferedReader(root.resolve(module + "/src/main/resources/application.properties"))) {
                props.load(r);
            }
            for (String name : props.stringPropertyNames()) {
                if (name.startsWith("%") || !SECRET_PROPERTY.matcher(name).matches()) {
                    continue;
                }
                String value = props.getProperty(name).strip();
                // invoice-service's Stripe settings are optional: empty means "not configured" (503 webhook_not_configured)
                if (value.matches("\\$\\{[A-Z0-9_]+:}")) {
                    continue;
                }
                secrets++;
                Matcher m = REQUIRED_VARIABLE.matcher(value);
                if (!m.matches()) {
                    problems.add(module + ": " + name + "=" + value + " has a default outside %dev/%test");
                } else if (!module.equals("console") && !manifests.contains("name: " + m.group(1) + "\n")) {
                    problems.add(module + ": " + name + " reads " + m.group(1) + ", which no manifest sets");
                }
            }
        }
        assertFalse(secrets == 0, "no secret property found: the scan is broken");
        assertEquals(List.of(), problems);
    }
}
