package io.accrue.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server of its own that a test can really restart (stop, then start again on the same data directory
 * and port), the way an operator's restart or a failover looks to the service's connection pool. The
 * {@code database} init arg names the service's database. Used by {@link RestartDrill}.
 */
public class RestartablePostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres server;
    private static Path dataDirectory;
    private static int port;
    private static String database = "accrue_restart";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        try {
            dataDirectory = Files.createTempDirectory("accrue-restart-pg");
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            server = boot();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            }
        } catch (Exception e) {
            throw new IllegalStateException("restartable PostgreSQL did not start", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
    }

    /** The service's database on this server, for a test that checks what was stored. */
    public static String jdbcUrl() {
        return server.getJdbcUrl("postgres", database);
    }

    private static EmbeddedPostgres boot() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start();
    }

    /** Stops the server (every connection is closed by it) and starts it again; returns once it accepts connections. */
    public static synchronized void restart() throws IOException {
        shutDown();
        startAgain();
    }

    /** Stops the server: the service's pooled connections are closed by it, new ones are refused. */
    public static synchronized void shutDown() throws IOException {
        server.close();
    }

    /** Starts the stopped server again on the same data directory and port; returns once it accepts connections. */
    public static synchronized void startAgain() throws IOException {
        server = boot();
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // the JVM is exiting
        }
    }
}
