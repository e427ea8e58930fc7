package io.accrue.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the {@link RestartablePostgresResource}'s database directly, for a {@link RestartDrill}'s checks. */
public final class RestartSql {

    private RestartSql() {
    }

    /** The single number {@code sql} (with optional string parameters) answers. */
    public static long count(String sql, String... parameters) {
        try (Connection c = DriverManager.getConnection(RestartablePostgresResource.jdbcUrl(), "postgres", "postgres");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the restarted database", e);
        }
    }
}
