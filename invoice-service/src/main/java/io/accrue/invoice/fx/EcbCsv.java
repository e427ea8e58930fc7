package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * Reads the European Central Bank's euro foreign-exchange reference rates as published: the daily
 * {@code eurofxref.csv} ({@code Date, USD, JPY, …} then {@code 28 November 2026, 1.0559, 161.76, …}) and the
 * history {@code eurofxref-hist.csv} ({@code Date,USD,JPY,…}, ISO dates, {@code N/A} where a currency had no
 * rate that day). Every rate is EUR-based: 1 EUR = value × currency. Pure; a malformed file is refused whole.
 */
public final class EcbCsv {

    private static final DateTimeFormatter DAILY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    private EcbCsv() {
    }

    public static final class Invalid extends RuntimeException {
        public Invalid(String message) {
            super(message);
        }
    }

    public static List<DatedRate> parse(String text, String source) {
        List<String> lines = text.replace("\r", "").lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new Invalid("the file is empty");
        }
        String[] header = lines.get(0).replace("\uFEFF", "").split(",", -1);
        if (!header[0].strip().equalsIgnoreCase("Date")) {
            throw new Invalid("line 1: the first column must be 'Date' (the ECB's eurofxref format)");
        }
        List<String> currencies = new ArrayList<>();
        for (int i = 1; i < header.length; i++) {
            String code = header[i].strip();
            if (code.isEmpty() && i == header.length - 1) {
                break; // the ECB ends every line with a comma
            }
            if (!code.matches("[A-Z]{3}") || !isCurrency(code)) {
                throw new Invalid("line 1: column " + (i + 1) + " is not an ISO-4217 currency: '" + code + "'");
            }
            if (code.equals(RateRule.PIVOT) || currencies.contains(code)) {
                throw new Invalid("line 1: column " + (i + 1) + " repeats or names the base currency " + code);
            }
            currencies.add(code);
        }
        List<DatedRate> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String[] cells = lines.get(n).split(",", -1);
            int lineNo = n + 1;
            LocalDate date = date(cells[0].strip(), lineNo);
            for (int i = 0; i < currencies.size(); i++) {
                String cell = i + 1 < cells.length ? cells[i + 1].strip() : "";
                if (cell.isEmpty() || cell.equalsIgnoreCase("N/A")) {
                    continue; // no rate that day for this currency
                }
                BigDecimal value;
                try {
                    value = new BigDecimal(cell);
                } catch (NumberFormatException e) {
                    throw new Invalid("line " + lineNo + ": " + currencies.get(i) + " is not a number: '" + cell + "'");
                }
                if (value.signum() <= 0 || value.scale() > RateRule.SCALE) {
                    throw new Invalid("line " + lineNo + ": " + currencies.get(i) + " must be positive with at most "
                            + RateRule.SCALE + " decimals: '" + cell + "'");
                }
                out.add(new DatedRate(RateRule.PIVOT, currencies.get(i), date, value, source));
            }
            for (int i = currencies.size() + 1; i < cells.length; i++) {
                if (!cells[i].isBlank()) {
                    throw new Invalid("line " + lineNo + ": more values than currencies in the header");
                }
            }
        }
        if (out.isEmpty()) {
            throw new Invalid("the file has no rates");
        }
        return out;
    }

    private static LocalDate date(String cell, int lineNo) {
        try {
            return cell.contains("-") ? LocalDate.parse(cell) : LocalDate.parse(cell, DAILY);
        } catch (DateTimeParseException e) {
            throw new Invalid("line " + lineNo + ": not a date: '" + cell + "'");
        }
    }

    private static boolean isCurrency(String code) {
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
