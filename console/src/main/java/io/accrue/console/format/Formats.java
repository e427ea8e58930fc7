package io.accrue.console.format;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.Locale;

/**
 * How the console writes numbers people trust: money in the account's currency rounded half-up to its minor unit
 * for display only (the services keep up to 12 decimals), dates in the account's time zone. Anything that cannot
 * be read is shown as an em dash, never as zero.
 */
public final class Formats {

    public static final String NONE = "—";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z",
            Locale.ENGLISH);

    private Formats() {
    }

    public static String money(String amount, String currency) {
        BigDecimal value = decimal(amount);
        if (value == null || currency == null || currency.isBlank()) {
            return NONE;
        }
        Currency c;
        try {
            c = Currency.getInstance(currency.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return value.toPlainString() + " " + currency;
        }
        int digits = Math.max(c.getDefaultFractionDigits(), 0);
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(c);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        format.setRoundingMode(RoundingMode.HALF_UP);
        BigDecimal shown = value.setScale(digits, RoundingMode.HALF_UP);
        if (shown.signum() == 0 && value.signum() != 0) {
            // a provider cost or margin of a fraction of a cent is not nothing: "< $0.01", not "$0.00"
            String minorUnit = format.format(BigDecimal.ONE.movePointLeft(digits));
            return value.signum() > 0 ? "< " + minorUnit : "> -" + minorUnit;
        }
        return format.format(shown);
    }

    /** {@code 1 request}, {@code 2 requests}: a count and its noun ({@code noun + "s"} unless the count is one). */
    public static String count(String value, String noun) {
        BigDecimal n = decimal(value);
        if (n == null) {
            return NONE + " " + noun + "s";
        }
        return number(value) + " " + (n.compareTo(BigDecimal.ONE) == 0 ? noun : noun + "s");
    }

    /**
     * A unit price in its currency, never rounded to the minor unit: a per-token or per-package price such as 0.003
     * is shown as $0.003 (at least the currency's minor digits, at most 18, trailing zeros dropped).
     */
    public static String unitPrice(String amount, String currency) {
        BigDecimal value = decimal(amount);
        if (value == null || currency == null || currency.isBlank()) {
            return NONE;
        }
        Currency c;
        try {
            c = Currency.getInstance(currency.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return value.stripTrailingZeros().toPlainString() + " " + currency;
        }
        int digits = Math.max(c.getDefaultFractionDigits(), 0);
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(c);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(18);
        format.setRoundingMode(RoundingMode.UNNECESSARY);
        BigDecimal plain = value.stripTrailingZeros();
        return format.format(plain.scale() > 18 ? plain.setScale(18, RoundingMode.HALF_UP) : plain);
    }

    public static String number(String value) {
        BigDecimal n = decimal(value);
        if (n == null) {
            return NONE;
        }
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMaximumFractionDigits(2);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format.format(n);
    }

    public static String date(String instant, String zone) {
        return at(instant, zone, DATE);
    }

    public static String dateTime(String instant, String zone) {
        return at(instant, zone, DATE_TIME);
    }

    /** The last day inside a half-open period {@code [from, to)}: what people read as "until". */
    public static String lastDay(String exclusiveEnd, String zone) {
        Instant end = instant(exclusiveEnd);
        return end == null ? NONE : DATE.format(end.minusNanos(1).atZone(zoneOf(zone)));
    }

    static String at(String instant, String zone, DateTimeFormatter pattern) {
        Instant at = instant(instant);
        return at == null ? NONE : pattern.format(at.atZone(zoneOf(zone)));
    }

    public static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static ZoneId zoneOf(String zone) {
        try {
            return zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneId.of("UTC");
        }
    }

    public static BigDecimal decimal(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
