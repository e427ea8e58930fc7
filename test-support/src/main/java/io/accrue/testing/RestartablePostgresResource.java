package io.accrue.contract.outage;

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
 * and port), the way an operator's restart or a failover looks to the service's connection pool.
 */
public class RestartablePostgresResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedPostgres server;
    private static Path dataDirectory;
    private static int port;

    @Override
    public Map<String, String> start() {
        try {
            dataDirectory = Files.createTempDirectory("accrue-restart-pg");
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            server = boot();
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE contract_restart");
            }
        } catch (Exception e) {
            throw new IllegalStateException("restartable PostgreSQL did not start", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", server.getJdbcUrl("postgres", "contract_restart"),
                "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "postgres");
    }

    private static EmbeddedPostgres boot() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off").start();
    }

    /** Stops the server (every connection is closed by it) and starts it again; returns once it accepts connections. */
    public static synchronized void restart() throws IOException {
        server.close();
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
