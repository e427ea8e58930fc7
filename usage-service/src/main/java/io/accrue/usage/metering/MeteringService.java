package io.accrue.usage.metering;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.usage.client.Account;
import io.accrue.usage.client.AccountStatusClient;
import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;

/**
 * One metering round: queue every closed hour of live usage of a metered organisation that is not queued yet
 * (the last one, and any an outage left behind within the catch-up), then drain the outbox.
 */
@ApplicationScoped
public class MeteringService {

    private static final Logger LOG = Logger.getLogger(MeteringService.class);

    private final AgroalDataSource dataSource;
    private final AccountStatusClient accounts;
    private final MeterOutbox outbox;
    private final Clock clock;
    private final Duration catchUp;
    private final String eventName;

    MeteringService(AgroalDataSource dataSource, AccountStatusClient accounts, MeterOutbox outbox, Clock clock,
            UsageConfig config) {
        this.dataSource = dataSource;
        this.accounts = accounts;
        this.outbox = outbox;
        this.clock = clock;
        this.catchUp = config.stripe().meterCatchUp();
        this.eventName = config.stripe().meterEventName();
    }

    /** {@code windowStart}/{@code windowEnd}: the last closed hour; {@code queued}: windows queued by this round. */
    public record RoundResult(Instant windowStart, Instant windowEnd, int queued, int sentOrRetried) {}

    record Window(String orgId, Instant start) {}

    public RoundResult runRound() {
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(1, ChronoUnit.HOURS);
        int queued = 0;
        // One account read per organisation and round; a failed read skips its windows until a later round.
        Map<String, Optional<Account>> metered = new HashMap<>();
        for (Window w : unqueuedWindows(end.minus(catchUp).truncatedTo(ChronoUnit.HOURS), end)) {
            Optional<Account> a = metered.computeIfAbsent(w.orgId(), this::meteredAccount);
            if (a.isPresent() && outbox.enqueue(w.orgId(), a.get().stripeCustomerId(), w.start(),
                    w.start().plus(1, ChronoUnit.HOURS))) {
                queued++;
            }
        }
        int sent = 0;
        while (sent < 1000 && outbox.sendNext()) {
            sent++;
        }
        return new RoundResult(start, end, queued, sent);
    }

    private Optional<Account> meteredAccount(String org) {
        try {
            Account a = accounts.account(org);
            if (a == null || !a.meteredEnabled() || a.stripeCustomerId() == null) {
                return Optional.empty();
            }
            // Only accounts in metered billing mode: in flat mode Accrue's own invoice bills the tokens, and
            // reporting them to Stripe's meter as well would charge them twice (invoice-service drops the token
            // lines of metered-mode accounts for the same reason).
            return accounts.subscription(org).metered() ? Optional.of(a) : Optional.empty();
        } catch (RuntimeException e) {
            // No guessing: the windows stay unqueued (visible in reconciliation) and a later round retries them.
            LOG.warnf("metering: account of %s unavailable (%s); will retry", org, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Closed hours in [from, to) with live usage (by recorded_at) and no outbox row yet, oldest first. The outbox
     * is probed by its unique identifier ({@link MeterOutbox#identifier}, spelled out in SQL) so the probe is an
     * index lookup however long the outbox grows.
     */
    private List<Window> unqueuedWindows(Instant from, Instant to) {
        List<Window> windows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                with w as (
                    select org_id, date_bin('1 hour', recorded_at, timestamptz '2000-01-01 00:00:00+00') as window_start
                    from usage_events where environment = 'live' and recorded_at >= ? and recorded_at < ?
                    group by 1, 2)
                select org_id, window_start from w
                where not exists (select 1 from meter_outbox m where m.identifier
                    = 'accrue_' || w.org_id || '_' || ? || '_' || extract(epoch from w.window_start)::bigint)
                order by window_start, org_id""")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            ps.setString(3, eventName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    windows.add(new Window(rs.getString(1), rs.getTimestamp(2).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("metering scan failed", e);
        }
        return windows;
    }
}
