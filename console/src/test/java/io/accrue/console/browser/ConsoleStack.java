package io.accrue.console.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.accrue.localstack.LocalStack;

/**
 * The local stack with this console, on ports shifted by {@link #PORT_OFFSET} (the console on 8085 + offset, which
 * the launcher registers as a redirect URI of the local realm) and fresh data. Started once per test JVM.
 *
 * <p>
 * While the services are being built, a checkout may lack some of their jars; the stack is then started from a
 * snapshot of only the modules that are built, and the pages of a missing service show its problem (503)
 * instead of data. Which modules ran is printed and kept in {@link #modules}.
 */
final class ConsoleStack {

    /** {@code -Daccrue.console-it.port-offset} (default 2000) shifts the stack, so two runs can share a machine. */
    static final int PORT_OFFSET = Integer.getInteger("accrue.console-it.port-offset", 2000);
    /** {@code -Daccrue.console-it.keycloak=true} (the console's keycloak profile): sign-in through a real Keycloak. */
    static final boolean KEYCLOAK = Boolean.getBoolean("accrue.console-it.keycloak");
    static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service", "console");
    static final List<String> modules = new ArrayList<>();
    private static LocalStack stack;

    private ConsoleStack() {
    }

    static synchronized LocalStack stack() {
        if (stack == null) {
            try {
                stack = start();
            } catch (Exception first) {
                // colleagues rebuilding a service can leave its jar half-written while we copy it: try once more
                System.out.println("[console-it] the stack did not start (" + first.getMessage()
                        + "); retrying once the built applications stop changing");
                try {
                    awaitBuiltApplicationsSettled();
                    stack = start();
                } catch (Exception e) {
                    throw new IllegalStateException("the local stack did not start: " + e.getMessage(), e);
                }
            }
        }
        return stack;
    }

    /**
     * Starts the stack from a snapshot of the built modules (a copy of each {@code target/quarkus-app}), so a
     * rebuild of a service during the tests cannot pull its jars from under the running process.
     */
    private static LocalStack start() throws Exception {
        Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("accrue-console-it");
        Path snapshot = home.resolve("checkout");
        Files.createDirectories(snapshot);
        Files.createSymbolicLink(snapshot.resolve("local-stack"), root.resolve("local-stack"));
        modules.clear();
        for (String module : SERVICES) {
            Path app = root.resolve(module).resolve("target/quarkus-app");
            if (Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
                copyRecursively(app, snapshot.resolve(module).resolve("target/quarkus-app"));
                modules.add(module);
            }
        }
        if (!modules.contains("console") || !modules.contains("subscription-service")) {
            throw new IllegalStateException("build the console and subscription-service first "
                    + "(./mvnw -B package -DskipTests); built: " + modules);
        }
        System.out.println("[console-it] starting the local stack with " + modules);
        LocalStack started = new LocalStack(snapshot, home.resolve("stack"), PORT_OFFSET, true).withKeycloak(KEYCLOAK)
                // the webhooks page's test delivers to a receiver on this machine (the outbound-URL policy refuses
                // private addresses in production, as the stack runs; docs/security.md)
                .withEnvironment("subscription-service", "ACCRUE_OUTBOUND_ALLOW_PRIVATE", "true");
        Thread cleanup = new Thread(() -> {
            started.stop();
            keepLogs(home.resolve("stack/logs"));
            deleteRecursively(home);
        });
        try {
            started.start();
        } catch (Exception e) {
            started.stop();
            keepLogs(home.resolve("stack/logs"));
            deleteRecursively(home);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(cleanup);
        return started;
    }

    /**
     * Waits until every built {@code target/quarkus-app} is complete and unchanged between two looks (a colleague's
     * rebuild writes its jars over a few seconds): each jar opens as a zip, and no file's size or modification time
     * moved since the previous poll.
     */
    private static void awaitBuiltApplicationsSettled() {
        Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
        String[] previous = {null};
        org.awaitility.Awaitility.await("the built services' jars to settle").atMost(java.time.Duration.ofMinutes(3))
                .pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofSeconds(3)).pollInSameThread()
                .until(() -> {
                    String now = fingerprint(root);
                    boolean settled = now != null && now.equals(previous[0]);
                    previous[0] = now;
                    return settled;
                });
    }

    /** Sizes and times of every file of the built applications, or null while one of their jars is unreadable. */
    private static String fingerprint(Path root) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String module : SERVICES) {
            Path app = root.resolve(module).resolve("target/quarkus-app");
            if (!Files.isDirectory(app)) {
                continue;
            }
            try (var files = Files.walk(app)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (file.toString().endsWith(".jar")) {
                        try (var zip = new java.util.zip.ZipFile(file.toFile())) {
                            zip.size();
                        } catch (IOException half) {
                            return null;
                        }
                    }
                    out.append(file).append(' ').append(Files.size(file)).append(' ')
                            .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static String consoleUrl() {
        return stack().serviceUrl("console");
    }

    static String token(String subject, String org, String... roles) {
        return stack().token(subject, List.of(roles), org, null);
    }

    /** The services' logs outlive the temp folder, under target/stack-logs, for whoever reads a failure. */
    private static void keepLogs(Path logs) {
        Path target = Path.of(System.getProperty("stack.logs.dir", "target/stack-logs"));
        try (var files = Files.list(logs)) {
            Files.createDirectories(target);
            for (Path log : files.toList()) {
                Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // no logs yet
        }
    }

    private static void deleteRecursively(Path folder) {
        try (var files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; the OS cleans what is left
        }
    }
}
