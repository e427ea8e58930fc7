package io.accrue.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Keycloak (the {@code org.keycloak:keycloak-quarkus-dist} zip from Maven Central) in place of the small local
 * provider: {@code start-dev} with an in-memory database and the realm rendered from the one realm source imported
 * at every start. The distribution is unpacked once into a cache folder shared by every stack of the machine
 * (Keycloak's first start also builds itself into it: a minute or more); each stack gets its own small home of
 * links to it, with its own realm file, so two stacks never share state.
 */
final class LocalKeycloak implements AutoCloseable {

    static final String VERSION = "26.7.3";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String issuer;
    private final Path log;
    private Process process;

    private LocalKeycloak(String issuer, Path log) {
        this.issuer = issuer;
        this.log = log;
    }

    /**
     * Starts Keycloak on {@code host:port} with {@code realm} imported and waits until the realm answers discovery.
     * The issuer is fixed with {@code --hostname}: tokens fetched via {@code localhost} carry the same issuer as
     * those fetched via 127.0.0.1 (docs/identity.md, "stable hostname").
     */
    static LocalKeycloak start(LocalRealm realm, String host, int port, Path home, Instant deadline)
            throws IOException, InterruptedException {
        Path dist = unpacked(distribution());
        Path kcHome = home.resolve("keycloak");
        linkHome(dist, kcHome);
        Path imports = kcHome.resolve("data/import");
        Files.createDirectories(imports);
        Files.writeString(imports.resolve(realm.name() + "-realm.json"), KeycloakRealm.renderJson(realm));
        Path log = home.resolve("logs/keycloak.log");
        Files.createDirectories(log.getParent());
        String base = "http://" + host + ":" + port;
        LocalKeycloak keycloak = new LocalKeycloak(base + "/realms/" + realm.name(), log);
        ProcessBuilder builder = new ProcessBuilder(kcHome.resolve("bin/kc.sh").toString(), "start-dev",
                "--import-realm", "--db=dev-mem", "--http-host=" + host, "--http-port=" + port, "--hostname=" + base,
                "--cache=local")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        // an administrator for the admin console at <issuer base>/admin: local demo values, 127.0.0.1 only
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        keycloak.process = builder.start();
        keycloak.awaitReady(deadline);
        return keycloak;
    }

    String issuer() {
        return issuer;
    }

    String tokenEndpoint() {
        return issuer + "/protocol/openid-connect/token";
    }

    private void awaitReady(Instant deadline) throws InterruptedException {
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) { // wall time: a start-up deadline
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        close();
        throw new IllegalStateException("Keycloak was not ready in time; see " + log);
    }

    /**
     * The distribution zip in the local Maven repository ({@code -Daccrue.keycloak.dist} names another); fetched by
     * {@code bin/accrue-local --keycloak} and by the e2e-tests' keycloak profile.
     */
    static Path distribution() {
        String named = System.getProperty("accrue.keycloak.dist");
        Path zip = named != null
                ? Path.of(named)
                : Path.of(System.getProperty("maven.repo.local",
                        Path.of(System.getProperty("user.home"), ".m2", "repository").toString()))
                        .resolve("org/keycloak/keycloak-quarkus-dist/" + VERSION + "/keycloak-quarkus-dist-" + VERSION
                                + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("no Keycloak distribution at " + zip + ": fetch it with ./mvnw -B"
                    + " dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:" + VERSION
                    + ":zip -Dtransitive=false");
        }
        return zip;
    }

    /** Unpacks the zip once into the cache ({@code -Daccrue.keycloak.cache}, default ~/.cache/accrue). */
    static synchronized Path unpacked(Path zip) throws IOException {
        Path cache = Path.of(System.getProperty("accrue.keycloak.cache",
                Path.of(System.getProperty("user.home"), ".cache", "accrue").toString()));
        Path dist = cache.resolve("keycloak-" + VERSION);
        if (Files.isRegularFile(dist.resolve(".unpacked"))) {
            return dist;
        }
        Path partial = Files.createDirectories(cache).resolve("keycloak-" + VERSION + ".partial-" + ProcessHandle
                .current().pid());
        try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null;) {
                // entries are keycloak-<version>/...: drop the top folder
                String name = entry.getName().substring(entry.getName().indexOf('/') + 1);
                Path target = partial.resolve(name).normalize();
                if (!target.startsWith(partial) || name.isEmpty()) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        partial.resolve("bin/kc.sh").toFile().setExecutable(true);
        Files.writeString(partial.resolve(".unpacked"), zip.toString());
        if (Files.exists(dist)) {
            deleteRecursively(dist);
        }
        Files.move(partial, dist);
        return dist;
    }

    /**
     * A Keycloak home of this stack: links to the shared distribution, and its own {@code bin/kc.sh} (Keycloak finds
     * its home from the script's folder) and {@code data/} (realm import, temp files).
     */
    private static void linkHome(Path dist, Path kcHome) throws IOException {
        Files.createDirectories(kcHome.resolve("bin"));
        Files.createDirectories(kcHome.resolve("data"));
        for (String shared : List.of("lib", "conf", "providers", "themes", "version.txt")) {
            Path link = kcHome.resolve(shared);
            if (Files.exists(dist.resolve(shared)) && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, dist.resolve(shared));
            }
        }
        try (var scripts = Files.list(dist.resolve("bin"))) {
            for (Path script : scripts.toList()) {
                Path target = kcHome.resolve("bin").resolve(script.getFileName());
                if (Files.isRegularFile(script)) {
                    Files.copy(script, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().setExecutable(true);
                } else if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(target, script);
                }
            }
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        // kc.sh runs Keycloak's JVM as a child: stop both
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            for (ProcessHandle child : children) {
                child.onExit().get(20, TimeUnit.SECONDS);
            }
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
