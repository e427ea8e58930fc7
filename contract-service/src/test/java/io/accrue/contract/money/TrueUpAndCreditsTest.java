package io.accrue.contract.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Currency;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrueUpAndCreditsTest {

    @ParameterizedTest(name = "{2}: committed {0}, consumed {1} → shortfall {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # committed          | consumed   | currency | shortfall
            30000                | 12000.50   | USD      | 17999.50
            # usage beyond commitment: nothing to true up, never negative
            30000                | 45000      | USD      | 0.00
            30000                | 30000      | USD      | 0.00
            # a prorated stub rounds once, half-up, to the minor unit
            595.068493150685     | 0          | USD      | 595.07
            586.813186813187     | 86.808     | USD      | 500.01
            0.005                | 0          | USD      | 0.01
            # zero-decimal and three-decimal currencies
            100000.5             | 0          | JPY      | 100001
            10.0005              | 0          | BHD      | 10.001
            """)
    void shortfallIsRoundedOnceHalfUp(String committed, String consumed, String currency, String shortfall) {
        BigDecimal s = TrueUpMath.shortfall(new BigDecimal(committed), new BigDecimal(consumed),
                Currency.getInstance(currency));
        assertEquals(new BigDecimal(shortfall), s);
    }

    @ParameterizedTest(name = "granted {0}, applied {1}, charge {2} → balance {3}, applicable {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # granted | applied | charge | balance | applicable
            5000      | 0       | 1200   | 5000    | 1200
            # credits larger than usage: the whole charge is covered, the rest stays
            5000      | 1200    | 300    | 3800    | 300
            # usage larger than credits: only the balance applies
            5000      | 4500    | 1200   | 500     | 500
            5000      | 5000    | 1200   | 0       | 0
            # an amendment lowered the grant below what was already applied: floor at zero
            1000      | 1200    | 50     | 0       | 0
            0         | 0       | 0      | 0       | 0
            """)
    void creditBalanceAndApplication(String granted, String applied, String charge, String balance,
            String applicable) {
        BigDecimal b = Credits.balance(new BigDecimal(granted), new BigDecimal(applied));
        assertEquals(0, new BigDecimal(balance).compareTo(b));
        assertEquals(0, new BigDecimal(applicable).compareTo(Credits.applicable(b, new BigDecimal(charge))));
    }
}
