package io.accrue.invoice.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ECB's two published layouts, byte for byte as they come (trailing commas, N/A, CRLF). */
class EcbCsvTest {

    static final String DAILY = "Date, USD, JPY, BGN, CZK, GBP, \r\n"
            + "27 February 2026, 1.0823, 161.20, 1.9558, 25.030, 0.8512, \r\n";

    static final String HIST = """
            Date,USD,JPY,CYP,GBP,
            2026-02-27,1.0823,161.20,N/A,0.8512,
            2026-02-26,1.0800,162.00,N/A,0.8490,
            """;

    @Test
    void dailyFile() {
        List<DatedRate> rates = EcbCsv.parse(DAILY, "ECB");
        assertEquals(5, rates.size());
        assertEquals(new DatedRate("EUR", "USD", LocalDate.parse("2026-02-27"), new BigDecimal("1.0823"), "ECB"),
                rates.get(0));
        assertEquals(new DatedRate("EUR", "JPY", LocalDate.parse("2026-02-27"), new BigDecimal("161.20"), "ECB"),
                rates.get(1));
    }

    @Test
    void historyFileSkipsNotAvailable() {
        List<DatedRate> rates = EcbCsv.parse(HIST, "ECB");
        assertEquals(6, rates.size()); // CYP is N/A on both days
        assertTrue(rates.stream().noneMatch(r -> r.quote().equals("CYP")));
        assertTrue(rates.contains(
                new DatedRate("EUR", "GBP", LocalDate.parse("2026-02-26"), new BigDecimal("0.8490"), "ECB")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Day,USD\n2026-02-27,1.08\n", "Date,USD\n", "Date,XYZ\n2026-02-27,1\n",
            "Date,USD\n27/02/2026,1.08\n", "Date,USD\n2026-02-27,abc\n", "Date,USD\n2026-02-27,-1.08\n",
            "Date,USD\n2026-02-27,0\n", "Date,USD\n2026-02-27,1.08,2.0\n", "Date,EUR\n2026-02-27,1\n",
            "Date,USD,USD\n2026-02-27,1,1\n"})
    void malformedFilesAreRefusedWhole(String text) {
        assertThrows(EcbCsv.Invalid.class, () -> EcbCsv.parse(text, "ECB"));
    }
}
