package io.accrue.invoice.document;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvoicePdfUnitPriceTest {

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "99             | USD | 99.00", // a whole price at the minor unit, as a finance reader expects
            "0.5            | USD | 0.50",
            "0.003000000000 | EUR | 0.003", // finer than the minor unit: its own precision, no trailing zeros
            "0.000000000002 | USD | 0.000000000002",
            "1500           | JPY | 1500", // no minor unit
            "1.2            | BHD | 1.200", // three decimals
            "100.00         | USD | 100.00"}) // never "1E+2"
    void unitPriceAtLeastAtTheMinorUnitNeverRounded(String unit, String currency, String expected) {
        assertEquals(expected, InvoicePdf.unitPrice(new BigDecimal(unit), currency));
    }
}
