package io.accrue.common.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MinorUnitsTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "USD, 1.005, 1.01",
            "USD, 1.004999, 1.00",
            "USD, -1.005, -1.01",
            "JPY, 1234.5, 1235",
            "JPY, 1234.49, 1234",
            "KWD, 1.0005, 1.001",
            "BHD, 0.0004, 0.000",
            // the JDK reports -1 fraction digits for gold and SDRs: whole units, never an exception
            "XAU, 2.5, 3",
            "XDR, 2.49, 2",
    })
    void roundsOnceHalfUpToTheMinorUnit(String currency, String amount, String expected) {
        BigDecimal rounded = MinorUnits.round(new BigDecimal(amount), currency);
        assertEquals(new BigDecimal(expected), rounded);
        assertEquals(new BigDecimal(expected).scale(), MinorUnits.digits(currency));
    }
}
