package io.accrue.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.accrue.localstack.LocalStack;

/**
 * The suite under test: started once per test JVM with the launcher of {@code bin/accrue-local}, on ports
 * shifted by {@link #PORT_OFFSET} and with fresh data, so it never meets a developer's running stack. The offset
 * is {@code -Daccrue.e2e.port-offset} (default 1000), so two runs on one machine (a CI run and a developer's,
 * or the console's browser tests) can live side by side.
 */
public final class Suite {

    static final int PORT_OFFSET = Integer.getInteger("accrue.e2e.port-offset", 1000);
    /** {@code -Daccrue.e2e.keycloak=true} (the e2e-tests' keycloak profile): the suite runs against a real Keycloak. */
    static final boolean KEYCLOAK = Boolean.getBoolean("accrue.e2e.keycloak");
    private static LocalStack stack;
    private static IllegalStateException failure;

    private Suite() {
    }

    public static synchronized LocalStack stack() {
        if (failure != null) {
            throw failure; // one start attempt per JVM: report its cause to every test class
        }
        if (stack == null) {
            try {
                Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
                Path home = Files.createTempDirectory("accrue-e2e");
                // unknown-model=flag (billing-rules Rating 10b): usage of a model the catalog lacks is recorded
                // unpriced and waits for its price (the model check prices it through the re-rating API)
                LocalStack started = new LocalStack(root, home, PORT_OFFSET, false).withKeycloak(KEYCLOAK)
                        .withEnvironment("usage-service", "ACCRUE_USAGE_UNKNOWN_MODEL", "flag")
                        // the tests' webhook receivers listen on loopback, which the outbound-URL policy refuses
                        // outside dev and test (docs/security.md)
                        .withEnvironment("subscription-service", "ACCRUE_OUTBOUND_ALLOW_PRIVATE", "true");
                // -Daccrue.e2e.keep-home=true keeps the services' logs (home/logs) to read after a failure
                boolean keep = Boolean.getBoolean("accrue.e2e.keep-home");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.stop();
                    if (keep) {
                        System.out.println("[e2e] kept " + home);
                    } else {
                        deleteRecursively(home);
                    }
                }));
                started.start();
                stack = started;
            } catch (Exception e) {
                failure = new IllegalStateException("the suite did not start: " + e.getMessage(), e);
                throw failure;
            }
        }
        return stack;
    }

    /**
     * The suite's second usage-service, in ingestion mode kafka against a real broker, on the same database as the
     * direct-mode one ({@link LocalStack#startKafkaUsageReplica}); started on the first call, so the classes that do
     * not need it do not pay for it.
     */
    public static synchronized String kafkaUsageUrl() {
        LocalStack running = stack();
        try {
            return running.startKafkaUsageReplica();
        } catch (Exception e) {
            throw new IllegalStateException("the kafka-mode usage-service did not start: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp folder; the OS cleans what is left
        }
    }

    public static String url(String service) {
        return stack().serviceUrl(service);
    }

    public static String token(String subject, String org, String... roles) {
        return stack().token(subject, List.of(roles), org, null);
    }

    public static String reporterToken(String org, String environment) {
        return stack().token(org + "-gateway-" + environment, List.of("usage-reporter"), org, environment);
    }

    public static String operatorToken() {
        return stack().token("operator", List.of("platform-operator"), null, null);
    }

    public static String serviceToken() {
        return stack().token("service-account-accrue-billing-service", List.of("billing-service"), null, null);
    }
}
