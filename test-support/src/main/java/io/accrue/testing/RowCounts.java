package io.accrue.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

/** The row count of every table of the service's schema, in one query: "nothing of a rejected request persisted". */
public final class RowCounts {

    private RowCounts() {
    }

    public static Map<String, Long> of(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select table_name from information_schema.tables"
                    + " where table_schema = current_schema() and table_type = 'BASE TABLE'"
                    + " and table_name <> 'flyway_schema_history' order by table_name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            Map<String, Long> counts = new TreeMap<>();
            if (tables.isEmpty()) {
                return counts;
            }
            StringBuilder sql = new StringBuilder();
            for (String t : tables) {
                if (!sql.isEmpty()) {
                    sql.append(" union all ");
                }
                sql.append("select '").append(t).append("', count(*) from \"").append(t).append('"');
            }
            try (ResultSet rs = s.executeQuery(sql.toString())) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("could not count rows", e);
        }
    }
}
