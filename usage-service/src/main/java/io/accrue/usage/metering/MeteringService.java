package io.accrue.usage.metering;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.usage.client.Account;
import io.accrue.usage.client.AccountStatusClient;
import io.agroal.api.AgroalDataSource;

/** One metering round: queue the last closed hour of every metered organisation, then drain the outbox. */
@ApplicationScoped
public class MeteringService {

    private static final Logger LOG = Logger.getLogger(MeteringService.class);

    private final AgroalDataSource dataSource;
    private final AccountStatusClient accounts;
    private final MeterOutbox outbox;
    private final Clock clock;

    MeteringService(AgroalDataSource dataSource, AccountStatusClient accounts, MeterOutbox outbox, Clock clock) {
        this.dataSource = dataSource;
        this.accounts = accounts;
        this.outbox = outbox;
        this.clock = clock;
    }

    public record RoundResult(Instant windowStart, Instant windowEnd, int queued, int sentOrRetried) {}

    public RoundResult runRound() {
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(1, ChronoUnit.HOURS);
        int queued = 0;
        for (String org : orgsWithLiveUsage(start, end)) {
            try {
                Account a = accounts.account(org);
                if (a != null && a.meteredEnabled() && a.stripeCustomerId() != null
                        && outbox.enqueue(org, a.stripeCustomerId(), start, end)) {
                    queued++;
                }
            } catch (RuntimeException e) {
                // No guessing: the window stays unqueued (visible in reconciliation) and the next round retries.
                LOG.warnf("metering: account of %s unavailable (%s); will retry", org, e.getMessage());
            }
        }
        int sent = 0;
        while (sent < 1000 && outbox.sendNext()) {
            sent++;
        }
        return new RoundResult(start, end, queued, sent);
    }

    private List<String> orgsWithLiveUsage(Instant from, Instant to) {
        List<String> orgs = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select distinct org_id from usage_events where environment = 'live' and recorded_at >= ? and recorded_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orgs.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("metering scan failed", e);
        }
        return orgs;
    }
}
