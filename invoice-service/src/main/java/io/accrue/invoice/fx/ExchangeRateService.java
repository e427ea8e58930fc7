package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.InvoiceConfig;

/** The exchange-rate table: operators record rates or import the ECB's file; closes look rates up by the rule. */
@ApplicationScoped
public class ExchangeRateService {

    public static final String ECB = "ECB";
    public static final String OPERATOR = "operator";

    public record RateView(String base, String quote, LocalDate date, BigDecimal rate, String source,
            Instant recordedAt, String recordedBy) {

        static RateView of(ExchangeRate r) {
            return new RateView(r.base, r.quote, r.rateDate, r.rate.stripTrailingZeros(), r.source, r.recordedAt,
                    r.recordedBy);
        }
    }

    public record EffectiveView(String from, String to, BigDecimal rate, LocalDate rateDate, String source,
            LocalDate forDay) {}

    /** {@code stored}: new or changed rates; {@code unchanged}: rates already recorded with the same value. */
    public record ImportResult(int stored, int unchanged, int days, LocalDate firstDate, LocalDate lastDate) {}

    private static final String UPSERT = "INSERT INTO exchange_rates (id, base_currency, quote_currency, rate_date,"
            + " rate, source, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT ON CONSTRAINT exchange_rates_one_per_day DO UPDATE SET rate = EXCLUDED.rate,"
            + " source = EXCLUDED.source, recorded_at = EXCLUDED.recorded_at, recorded_by = EXCLUDED.recorded_by"
            + " WHERE exchange_rates.rate <> EXCLUDED.rate OR exchange_rates.source <> EXCLUDED.source";

    private final ExchangeRateRepository rates;
    private final EntityManager em;
    private final InvoiceConfig config;
    private final Clock clock;

    ExchangeRateService(ExchangeRateRepository rates, EntityManager em, InvoiceConfig config, Clock clock) {
        this.rates = rates;
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    @Transactional
    public RateView set(String base, String quote, LocalDate date, BigDecimal rate, String source, String actor) {
        requireCurrency(base);
        requireCurrency(quote);
        if (base.equals(quote)) {
            throw ApiException.unprocessable("rate_pair_invalid", "A rate converts between two different currencies.");
        }
        if (date.isAfter(today())) {
            throw ApiException.unprocessable("rate_date_in_future",
                    "A reference rate is recorded for a day that has begun (UTC), not for " + date + ".");
        }
        upsert(List.of(new DatedRate(base, quote, date, rate, source == null ? OPERATOR : source)), actor);
        return RateView.of(rates.find("base = ?1 and quote = ?2 and rateDate = ?3", base, quote, date).singleResult());
    }

    @Transactional
    public ImportResult importEcb(String csv, String actor) {
        List<DatedRate> parsed;
        try {
            parsed = EcbCsv.parse(csv == null ? "" : csv, ECB);
        } catch (EcbCsv.Invalid e) {
            throw ApiException.unprocessable("rate_file_invalid", e.getMessage() + "; nothing was imported.");
        }
        Set<LocalDate> days = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (DatedRate r : parsed) {
            days.add(r.date());
            if (!seen.add(r.quote() + r.date())) {
                throw ApiException.unprocessable("rate_file_invalid",
                        "the file lists " + r.date() + " twice; nothing was imported.");
            }
        }
        LocalDate first = days.stream().min(LocalDate::compareTo).orElseThrow();
        LocalDate last = days.stream().max(LocalDate::compareTo).orElseThrow();
        if (last.isAfter(today())) {
            throw ApiException.unprocessable("rate_date_in_future",
                    "the file has rates for " + last + ", a day that has not begun (UTC); nothing was imported.");
        }
        int stored = upsert(parsed, actor);
        return new ImportResult(stored, parsed.size() - stored, days.size(), first, last);
    }

    public List<RateView> list(String base, String quote, LocalDate from, LocalDate to, int limit) {
        return rates.page(base, quote, from == null ? LocalDate.of(1999, 1, 1) : from,
                to == null ? today() : to, limit).stream().map(RateView::of).toList();
    }

    /** The rate that converts a period ending at {@code periodEnd} (docs/billing-rules.md, "Currencies"). */
    public Optional<FxRate> effective(String from, String to, Instant periodEnd) {
        LocalDate day = RateRule.rateDay(periodEnd);
        int maxAge = config.fx().maxRateAgeDays();
        List<String> currencies = new ArrayList<>(List.of(from, to));
        if (!currencies.contains(RateRule.PIVOT)) {
            currencies.add(RateRule.PIVOT);
        }
        return RateRule.resolve(from, to, day, maxAge, rates.among(currencies, day.minusDays(maxAge), day));
    }

    public EffectiveView effectiveView(String from, String to, Instant periodEndOrNull) {
        requireCurrency(from);
        requireCurrency(to);
        Instant periodEnd = periodEndOrNull == null ? clock.instant() : periodEndOrNull;
        LocalDate day = RateRule.rateDay(periodEnd);
        FxRate r = effective(from, to, periodEnd).orElseThrow(() -> ApiException.notFound(MissingExchangeRate.CODE,
                new MissingExchangeRate(from, to, day, config.fx().maxRateAgeDays()).getMessage()));
        return new EffectiveView(from, to, r.rate().stripTrailingZeros(), r.date(), r.source(), day);
    }

    /**
     * How the provider cost of a period (recorded in {@code costCurrency}) converts into {@code invoiceCurrency};
     * null when no conversion is needed. A missing rate is carried, not thrown: only a cost-plus line fails on it.
     */
    // read while a close gathers, with no transaction open: its own read transaction
    @Transactional
    public CostConversion conversion(String costCurrency, String invoiceCurrency, Instant periodEnd) {
        if (costCurrency == null || costCurrency.equals(invoiceCurrency)) {
            return null;
        }
        return new CostConversion(costCurrency, invoiceCurrency, RateRule.rateDay(periodEnd),
                config.fx().maxRateAgeDays(), effective(costCurrency, invoiceCurrency, periodEnd).orElse(null));
    }

    /** One batch of upserts: the ECB history file has ~200,000 rates. Answers how many rows were new or changed. */
    private int upsert(List<DatedRate> list, String actor) {
        Instant now = clock.instant();
        int[] changed = new int[1];
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
                int pending = 0;
                for (DatedRate r : list) {
                    ps.setObject(1, UUID.randomUUID());
                    ps.setString(2, r.base());
                    ps.setString(3, r.quote());
                    ps.setObject(4, r.date());
                    ps.setBigDecimal(5, r.rate());
                    ps.setString(6, r.source());
                    ps.setObject(7, java.sql.Timestamp.from(now));
                    ps.setString(8, actor);
                    ps.addBatch();
                    if (++pending == 1000) {
                        changed[0] += sum(ps.executeBatch());
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    changed[0] += sum(ps.executeBatch());
                }
            }
        });
        return changed[0];
    }

    private static int sum(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += Math.max(c, 0);
        }
        return n;
    }

    private LocalDate today() {
        return clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
    }

    static void requireCurrency(String code) {
        try {
            if (code == null || !code.matches("[A-Z]{3}")) {
                throw new IllegalArgumentException();
            }
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + code + "' is not an ISO-4217 currency.");
        }
    }
}
