package io.accrue.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * The values a CHECK constraint of the migrated schema allows, read back from PostgreSQL: a state enum's test compares
 * its wire values with them, so an enum and its column cannot drift apart.
 */
public final class CheckConstraints {

    private static final Pattern LITERAL = Pattern.compile("'([^']*)'");

    private CheckConstraints() {
    }

    /** The text literals of the named constraint (e.g. {@code status IN ('a', 'b')}), sorted. */
    public static List<String> values(DataSource dataSource, String constraint) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select pg_get_constraintdef(oid) from pg_constraint where conname = ? and contype = 'c'")) {
            ps.setString(1, constraint);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no CHECK constraint " + constraint);
                }
                TreeSet<String> values = new TreeSet<>();
                Matcher m = LITERAL.matcher(rs.getString(1));
                while (m.find()) {
                    values.add(m.group(1));
                }
                if (rs.next()) {
                    throw new IllegalArgumentException("more than one constraint is named " + constraint);
                }
                return List.copyOf(values);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading constraint " + constraint + " failed", e);
        }
    }

    /** The wire values of an enum, sorted, to compare with {@link #values}. */
    public static <E extends Enum<E>> List<String> wireValues(Class<E> type, Function<E, String> wire) {
        return Arrays.stream(type.getEnumConstants()).map(wire).sorted().toList();
    }
}
