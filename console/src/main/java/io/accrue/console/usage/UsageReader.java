package io.accrue.console.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.format.Formats;

/** Reads usage summaries day by day (usage-service answers totals for any half-open range). */
@ApplicationScoped
public class UsageReader {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

    private final ServiceApi api;

    public UsageReader(ServiceApi api) {
        this.api = api;
    }

    /**
     * One summary per day of the period so far (issued side by side): a daily chart of one money measure (revenue or
     * cost), each day in the currency its answer carries ({@code currency} only when an answer names none).
     */
    public BarChart daily(String path, String env, UsageResource.Period period, Instant now, ZoneId zone,
            String currency, String measure) {
        List<Instant[]> days = new ArrayList<>();
        ZonedDateTime day = period.from().atZone(zone);
        Instant until = now.isBefore(period.to()) ? now : period.to();
        while (day.toInstant().isBefore(until) && days.size() < 62) {
            Instant next = day.plusDays(1).toInstant();
            days.add(new Instant[]{day.toInstant(), next.isAfter(period.to()) ? period.to() : next});
            day = day.plusDays(1);
        }
        List<CompletableFuture<ApiResult>> calls = days.stream().map(d -> api.getAsync(Service.USAGE, path,
                Map.of("environment", env, "from", d[0].toString(), "to", d[1].toString()))).toList();
        List<BarChart.Point> points = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            ApiResult r = calls.get(i).join();
            BigDecimal value = r.ok() ? Formats.decimal(r.body().path("totals").path(measure).asText(null)) : null;
            String label = DAY.format(days.get(i)[0].atZone(zone));
            // labelled in the currency the answer is in (usage-service's), never relabelled as the account's
            String in = r.ok() ? r.body().path("currency").asText("") : "";
            String shownIn = in.isBlank() ? currency : in;
            String display = value == null
                    ? Formats.NONE
                    : Formats.money(value.toPlainString(), shownIn) + ", "
                            + Formats.number(r.body().path("totals").path("totalTokens").asText("0")) + " tokens";
            points.add(new BarChart.Point(label, value, display));
        }
        return BarChart.of(points);
    }
}
