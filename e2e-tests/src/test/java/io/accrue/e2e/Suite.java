package io.accrue.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.accrue.localstack.LocalStack;

/**
 * The suite under test: started once per test JVM with the launcher of {@code bin/accrue-local}, on ports
 * shifted by {@link #PORT_OFFSET} and with fresh data, so it never meets a developer's running stack.
 */
final class Suite {

    static final int PORT_OFFSET = 1000;
    private static LocalStack stack;
    private static IllegalStateException failure;

    private Suite() {
    }

    static synchronized LocalStack stack() {
        if (failure != null) {
            throw failure; // one start attempt per JVM: report its cause to every test class
        }
        if (stack == null) {
            try {
                Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
                Path home = Files.createTempDirectory("accrue-e2e");
                LocalStack started = new LocalStack(root, home, PORT_OFFSET, false);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.stop();
                    deleteRecursively(home);
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

    private static void deleteRecursively(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp folder; the OS cleans what is left
        }
    }

    static String url(String service) {
        return stack().serviceUrl(service);
    }

    static String token(String subject, String org, String... roles) {
        return stack().token(subject, List.of(roles), org, null);
    }

    static String reporterToken(String org, String environment) {
        return stack().token(org + "-gateway-" + environment, List.of("usage-reporter"), org, environment);
    }

    static String operatorToken() {
        return stack().token("operator", List.of("platform-operator"), null, null);
    }

    static String serviceToken() {
        return stack().token("service-account-accrue-billing-service", List.of("billing-service"), null, null);
    }
}
