package io.accrue.usage.events;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.agroal.api.AgroalDataSource;

/** Reads one organisation's stored usage events: a keyset-paged list and a streamed export. */
@ApplicationScoped
public class UsageEventsService {

    /** Rows fetched per round trip while exporting: memory stays flat whatever the window holds. */
    static final int EXPORT_FETCH_SIZE = 500;

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    UsageEventsService(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public CursorPage<UsageEventView> page(UsageEventQuery query, String cursor, Integer limit) {
        int size = Cursors.limit(limit);
        Instant afterAt = null;
        String afterId = null;
        if (cursor != null) {
            try {
                List<String> parts = Cursors.decode(cursor, 2);
                afterAt = Instant.parse(parts.get(0));
                afterId = parts.get(1);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        UsageEventQuery.Sql sql = query.sql(afterAt, afterId, size + 1);
        List<UsageEventView> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(UsageEventView.of(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("usage events read failed", e);
        }
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            UsageEventView last = rows.get(size - 1);
            next = Cursors.encode(last.occurredAt().toString(), last.eventId());
        }
        return CursorPage.of(rows, next);
    }

    public enum Format {
        CSV, NDJSON
    }

    /**
     * Writes every event of the query to {@code out} as it is read: a server-side cursor (autocommit off, a fetch
     * size) in one read-only transaction, so the export is one consistent snapshot and never held in memory.
     */
    public void export(UsageEventQuery query, Format format, OutputStream out) {
        UsageEventQuery.Sql sql = query.sql(null, null, null);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement ps = prepare(c, sql)) {
                ps.setFetchSize(EXPORT_FETCH_SIZE);
                if (format == Format.CSV) {
                    w.write(UsageEventView.CSV_HEADER);
                    w.write("\r\n");
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UsageEventView e = UsageEventView.of(rs);
                        if (format == Format.CSV) {
                            w.write(e.csv());
                            w.write("\r\n");
                        } else {
                            w.write(json.writeValueAsString(e));
                            w.write("\n");
                        }
                    }
                }
            } finally {
                c.rollback(); // read-only: nothing to keep
            }
            w.flush();
        } catch (SQLException e) {
            throw new IllegalStateException("usage events export failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("the client stopped reading the export", e);
        }
    }

    private static PreparedStatement prepare(Connection c, UsageEventQuery.Sql sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql.text());
        int i = 1;
        for (Object arg : sql.args()) {
            if (arg instanceof Instant at) {
                ps.setTimestamp(i++, Timestamp.from(at));
            } else {
                ps.setString(i++, (String) arg);
            }
        }
        return ps;
    }
}
