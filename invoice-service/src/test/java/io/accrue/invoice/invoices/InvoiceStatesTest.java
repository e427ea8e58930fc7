package io.accrue.invoice.invoices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireValue;

/** The invoice's and the billing period's states: every move allowed or refused, and the wire values kept. */
class InvoiceStatesTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "draft, draft, false", "draft, open, true", "draft, paid, false", "draft, void, true",
            "draft, uncollectible, false",
            "open, draft, false", "open, open, false", "open, paid, true", "open, void, true",
            "open, uncollectible, true",
            "paid, draft, false", "paid, open, false", "paid, paid, false", "paid, void, false",
            "paid, uncollectible, false",
            "void, draft, false", "void, open, false", "void, paid, false", "void, void, false",
            "void, uncollectible, false",
            "uncollectible, draft, false", "uncollectible, open, false", "uncollectible, paid, true",
            "uncollectible, void, true", "uncollectible, uncollectible, false"
    })
    void everyInvoiceMove(String from, String to, boolean allowed) {
        assertEquals(allowed, InvoiceStatus.parse(from).mayMoveTo(InvoiceStatus.parse(to)));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "unbilled, unbilled, false", "unbilled, invoiced, true", "unbilled, written_off, true",
            "invoiced, unbilled, false", "invoiced, invoiced, false", "invoiced, written_off, false",
            "written_off, unbilled, false", "written_off, invoiced, false", "written_off, written_off, false"
    })
    void everyPeriodMove(String from, String to, boolean allowed) {
        assertEquals(allowed, PeriodStatus.parse(from).mayMoveTo(PeriodStatus.parse(to)));
    }

    @Test
    void wireValuesStayTheOnesTheApiAndTheDatabaseUse() {
        assertEquals(List.of("draft", "open", "paid", "void", "uncollectible"),
                Arrays.stream(InvoiceStatus.values()).map(WireValue::wire).toList());
        assertEquals(List.of("unbilled", "invoiced", "written_off"),
                Arrays.stream(PeriodStatus.values()).map(WireValue::wire).toList());
        InvoiceStatus.Column column = new InvoiceStatus.Column();
        for (InvoiceStatus s : InvoiceStatus.values()) {
            assertEquals(s, column.convertToEntityAttribute(column.convertToDatabaseColumn(s)));
        }
        assertThrows(ApiException.class, () -> InvoiceStatus.parse("OPEN"));
        assertThrows(IllegalStateException.class, () -> new PeriodStatus.Column().convertToEntityAttribute("done"));
    }
}
