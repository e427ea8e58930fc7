package io.accrue.console.format;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.qute.TemplateExtension;

/** Template functions: {@code {fmt:money(invoice.total, invoice.currency)}}, {@code {fmt:date(x, zone)}}. */
@TemplateExtension(namespace = "fmt")
public class Fmt {

    /** Money from a decimal string plus currency, or from a {@code {amount, currency}} object. */
    static String money(Object amount, Object currency) {
        if (amount instanceof JsonNode node && node.isObject()) {
            return Formats.money(text(node.get("amount")), text(node.get("currency")));
        }
        return Formats.money(text(amount), text(currency));
    }

    /** A unit price in its currency, at its own precision (never rounded to the minor unit). */
    static String unitPrice(Object amount, Object currency) {
        return Formats.unitPrice(text(amount), text(currency));
    }

    /** Whether an amount is above zero (an unreadable or missing one is not). */
    static boolean positive(Object amount) {
        java.math.BigDecimal value = Formats.decimal(text(amount));
        return value != null && value.signum() > 0;
    }

    static String money(Object amount) {
        return money(amount, null);
    }

    /**
     * A plan's base price in the account's currency ({@code basePrices[currency]}), formatted; null when the plan
     * has no price in that currency (the console then offers no checkout for it rather than another currency's).
     */
    static String priceIn(Object plan, Object currency) {
        String code = text(currency);
        if (!(plan instanceof JsonNode node) || code == null) {
            return null;
        }
        JsonNode price = node.path("basePrices").path(code);
        if (price.isMissingNode() || price.isNull()) {
            JsonNode base = node.path("basePrice");
            return code.equals(text(base.get("currency"))) ? Formats.money(text(base.get("amount")), code) : null;
        }
        return Formats.money(price.asText(), code);
    }

    /** The first 8 characters of an id, for a reference shown beside a readable name. */
    static String shortId(Object id) {
        String text = text(id);
        return text == null ? "" : text.length() <= 8 ? text : text.substring(0, 8);
    }

    /** A price dimension key ({@code cache_write_1h}) as a billing admin reads it. */
    static String dimension(Object key) {
        return Labels.dimension(text(key));
    }

    /** An invoice line type ({@code base_fee}) as a billing admin reads it. */
    static String lineType(Object type) {
        return Labels.lineType(text(type));
    }

    static String commitmentPeriod(Object period) {
        return Labels.commitmentPeriod(text(period));
    }

    /** A decimal for a form field, without trailing zeros; empty when missing. */
    static String plain(Object value) {
        return Labels.plainDecimal(text(value));
    }

    static String count(Object value, Object noun) {
        return Formats.count(text(value), text(noun));
    }

    static String num(Object value) {
        return Formats.number(text(value));
    }

    static String date(Object instant, Object zone) {
        return Formats.date(text(instant), text(zone));
    }

    static String dateTime(Object instant, Object zone) {
        return Formats.dateTime(text(instant), text(zone));
    }

    static String until(Object exclusiveEnd, Object zone) {
        return Formats.lastDay(text(exclusiveEnd), text(zone));
    }

    static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNode node) {
            return node.isNull() || node.isMissingNode() ? null : node.asText();
        }
        return value.toString();
    }
}
