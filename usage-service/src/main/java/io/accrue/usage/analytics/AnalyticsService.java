package io.accrue.usage.analytics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.usage.analytics.AnalyticsViews.QuotaFlag;
import io.accrue.usage.analytics.AnalyticsViews.SessionRow;
import io.accrue.usage.analytics.AnalyticsViews.Sessions;
import io.accrue.usage.events.EventWindow;

/** Spend per agent session and the alert-only quota flags, each read within a bounded window. */
@ApplicationScoped
public class AnalyticsService {

    /** The flags' default window when none is given: the last 31 days. */
    static final Duration DEFAULT_FLAG_WINDOW = Duration.ofDays(31);
    static final int MAX_SESSIONS = 500;

    private final AnalyticsRepository repository;
    private final Clock clock;

    AnalyticsService(AnalyticsRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public Sessions sessions(String org, String env, Instant from, Instant to, String endUserId, Integer limit) {
        EventWindow.require(from, to);
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_SESSIONS) {
            throw ApiException.badRequest("invalid_limit", "limit must be between 1 and " + MAX_SESSIONS + ".");
        }
        List<SessionRow> rows = repository.sessions(org, env, from, to, endUserId, size + 1);
        boolean truncated = rows.size() > size;
        return new Sessions(org, env, from, to, size, truncated, truncated ? rows.subList(0, size) : rows);
    }

    public CursorPage<QuotaFlag> flags(String org, String env, Instant from, Instant to, String endUserId,
            String cursor, Integer limit) {
        Instant end = to != null ? to : clock.instant().plusSeconds(1);
        Instant start = from != null ? from : end.minus(DEFAULT_FLAG_WINDOW);
        EventWindow.require(start, end);
        int size = Cursors.limit(limit);
        Instant beforeAt = null;
        UUID beforeId = null;
        if (cursor != null) {
            try {
                List<String> parts = Cursors.decode(cursor, 2);
                beforeAt = Instant.parse(parts.get(0));
                beforeId = UUID.fromString(parts.get(1));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        List<QuotaFlag> rows = repository.flags(org, env, start, end, endUserId, beforeAt, beforeId, size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            QuotaFlag last = rows.get(size - 1);
            next = Cursors.encode(last.createdAt().toString(), last.id().toString());
        }
        return CursorPage.of(rows, next);
    }
}
