package io.accrue.usage.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;

/**
 * The monthly partitions of usage_events (V12: range on occurred_at, UTC months, a default partition for rows
 * outside them). Creates the current month and the configured months ahead, and retires months older than the
 * retention. Both run under one advisory lock, so replicas do not race; both are idempotent.
 *
 * <p>A month is created as a plain table and then attached: {@code ATTACH PARTITION} takes only a SHARE UPDATE
 * EXCLUSIVE lock on usage_events, so ingestion and reads go on (a {@code CREATE TABLE ... PARTITION OF} would take an
 * exclusive lock). Rows the default partition holds for that month are moved in first, since the attach refuses a
 * default partition that still holds them. Retiring a month is a {@code DETACH PARTITION}, a short exclusive lock on
 * usage_events taken with a lock timeout (a concurrent detach is not possible beside a default partition): it never
 * deletes rows from, or vacuums, the partitions ingestion writes to. The retired month's event ids stay in
 * usage_event_ids, so a replay of a retired event is still a duplicate.
 */
@ApplicationScoped
public class EventPartitions {

    private static final Logger LOG = Logger.getLogger(EventPartitions.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyy_MM");
    /** pg_advisory_xact_lock key: "usage_events partitions". */
    private static final long LOCK = 0x7573616765_70L;

    private final AgroalDataSource dataSource;
    private final Clock clock;
    private final UsageConfig config;

    EventPartitions(AgroalDataSource dataSource, Clock clock, UsageConfig config) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.config = config;
    }

    /** The partition's table name of a month. */
    public static String name(YearMonth month) {
        return "usage_events_" + month.format(SUFFIX);
    }

    /** The months that have a partition, oldest first. */
    public List<YearMonth> months() {
        List<YearMonth> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        select child.relname from pg_inherits i
                        join pg_class child on child.oid = i.inhrelid
                        join pg_class parent on parent.oid = i.inhparent
                        where parent.relname = 'usage_events' and child.relname ~ '^usage_events_[0-9]{4}_[0-9]{2}$'
                        order by 1""")) {
            while (rs.next()) {
                out.add(YearMonth.parse(rs.getString(1).substring("usage_events_".length()), SUFFIX));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading usage_events partitions failed", e);
        }
        return out;
    }

    /** Creates the partitions of the current month and the configured months ahead; returns those it created. */
    public List<YearMonth> ensureAhead() {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        List<YearMonth> created = new ArrayList<>();
        for (int i = 0; i <= config.events().partitionsAhead(); i++) {
            if (ensure(now.plusMonths(i))) {
                created.add(now.plusMonths(i));
            }
        }
        return created;
    }

    /** The partition of one month, created if missing; true when this call created it. */
    public boolean ensure(YearMonth month) {
        String table = name(month);
        String from = bound(month), to = bound(month.plusMonths(1));
        return inLockedTransaction(c -> {
            if (exists(c, table)) {
                return false;
            }
            try (Statement s = c.createStatement()) {
                s.execute("create table " + table
                        + " (like usage_events including defaults including constraints)");
                // rows the default partition caught for this month (an import, a fixed date) move with it
                s.execute("insert into " + table + " select * from usage_events_default where occurred_at >= '"
                        + from + "' and occurred_at < '" + to + "'");
                s.execute("delete from usage_events_default where occurred_at >= '" + from
                        + "' and occurred_at < '" + to + "'");
                s.execute("alter table usage_events attach partition " + table + " for values from ('" + from
                        + "') to ('" + to + "')");
            }
            LOG.infof("usage_events: partition %s created", table);
            return true;
        });
    }

    /**
     * Detaches the months older than the retention ({@code accrue.usage.events.retention-months}), then drops them
     * or keeps them as {@code usage_events_archived_YYYY_MM}; returns the months retired. Nothing without a
     * retention.
     */
    public List<YearMonth> retire() {
        OptionalInt keep = config.events().retentionMonths();
        return keep.isEmpty() ? List.of() : retire(keep.getAsInt(), config.events().archive());
    }

    /** Retires the monthly partitions before the current month minus {@code keepMonths}; returns those retired. */
    public List<YearMonth> retire(int keepMonths, boolean archive) {
        if (keepMonths < 1) {
            throw new IllegalStateException("accrue.usage.events.retention-months must be at least 1");
        }
        YearMonth oldestKept = YearMonth.now(clock.withZone(ZoneOffset.UTC)).minusMonths(keepMonths);
        List<YearMonth> retired = new ArrayList<>();
        for (YearMonth m : months()) {
            if (m.isBefore(oldestKept) && retire(m, archive)) {
                retired.add(m);
            }
        }
        return retired;
    }

    private boolean retire(YearMonth month, boolean archive) {
        String table = name(month);
        return inLockedTransaction(c -> {
            if (!exists(c, table)) {
                return false;
            }
            try (Statement s = c.createStatement()) {
                // a short exclusive lock on usage_events: give up (and retry on the next run) rather than queue
                // ingestion behind a long read
                s.execute("set local lock_timeout = '2s'");
                s.execute("alter table usage_events detach partition " + table);
                if (archive) {
                    s.execute("alter table " + table + " rename to usage_events_archived_" + month.format(SUFFIX));
                } else {
                    s.execute("drop table " + table);
                }
            }
            LOG.infof("usage_events: partition %s retired (%s)", table, archive ? "archived" : "dropped");
            return true;
        });
    }

    private static String bound(YearMonth month) {
        return OffsetDateTime.of(LocalDate.of(month.getYear(), month.getMonth(), 1).atStartOfDay(), ZoneOffset.UTC)
                .toString();
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private interface Work {
        boolean run(Connection c) throws SQLException;
    }

    private boolean inLockedTransaction(Work work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_advisory_xact_lock(" + LOCK + ")");
                }
                boolean done = work.run(c);
                c.commit();
                return done;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("usage_events partition maintenance failed", e);
        }
    }
}
