package io.accrue.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 (embedded binaries from Maven Central, no Docker) for a service's tests. One server
 * per test JVM, one database per service named by the {@code database} init arg; Flyway builds the schema.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    static final String OVERRIDE_PREFIX = "accrue.test.postgres.";

    private static EmbeddedPostgres server;
    private String database = "accrue";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        EmbeddedPostgres pg = server();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + database, e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", pg.getJdbcUrl("postgres", database),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    /** The JDBC URL of a database on the shared test server, for tests that talk SQL directly. */
    public static String jdbcUrl(String database) {
        return server().getJdbcUrl("postgres", database);
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        // fast and not crash-safe: fine for tests, whose data is thrown away; benchmarks turn
                        // durability back on (see serverConfigOverrides)
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off");
                serverConfigOverrides(System.getProperties()).forEach(builder::setServerConfig);
                server = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temp data directory goes with it
                }
            }));
        }
        return server;
    }

    /**
     * Server settings from system properties {@code accrue.test.postgres.<setting>=<value>}, applied after the
     * defaults above: the benchmarks run with {@code fsync=on}, {@code synchronous_commit=on} and
     * {@code full_page_writes=on} this way (production durability), and a test can preload an extension.
     */
    static Map<String, String> serverConfigOverrides(Properties properties) {
        Map<String, String> settings = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(OVERRIDE_PREFIX) && name.length() > OVERRIDE_PREFIX.length()) {
                settings.put(name.substring(OVERRIDE_PREFIX.length()), properties.getProperty(name));
            }
        }
        return settings;
    }

    @Override
    public void stop() {
        // The server outlives one Quarkus application start: several test profiles share it.
    }
}
