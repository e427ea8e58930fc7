package io.accrue.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service of the suite running as a child JVM, with its log in the local-stack folder. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String name;
    final int port;
    private final Path jar;
    final Path log;
    private Process process;

    ServiceProcess(String name, int port, Path jar, Path log) {
        this.name = name;
        this.port = port;
        this.jar = jar;
        this.log = log;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void start(Map<String, String> environment) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the suite first (./mvnw -B package -DskipTests)");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heaps and C1 only: four services start faster and fit beside each other on a laptop.
        command.addAll(List.of("-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())); // a restart continues the log
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** Waits for {@code /q/health/ready}; fails fast if the process dies. */
    void awaitReady(Instant deadline) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) { // wall time: a start-up deadline
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(name + " was not ready in time; see " + log);
    }

    /** Completes when the process exits (never, if it was not started). */
    java.util.concurrent.CompletableFuture<ServiceProcess> onExit() {
        return process == null ? new java.util.concurrent.CompletableFuture<>() : process.onExit().thenApply(p -> this);
    }

    int exitCode() {
        return process.exitValue();
    }

    /**
     * Kills the process at once ({@code SIGKILL}: no shutdown hook, no graceful drain), as a crashed pod: whatever
     * it was doing stops mid-way, its leases and open transactions are left to the database and the next claim.
     */
    void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
