package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.CreditNotes.Original;

class CreditNotesTest {

    static final Instant A = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant B = Instant.parse("2026-02-01T00:00:00Z");

    @ParameterizedTest(name = "line of {0}, credited {1} before, asking {2} → {3}")
    @CsvSource({
            "99.00, 0, , -99.00",
            "99.00, 0, 10.50, -10.50",
            "99.00, 90.00, , -9.00",
            "99.00, 90.00, 9.00, -9.00",
            "99.00, 90.00, 9.01, refused",
            "99.00, 0, 0, refused",
            "99.00, 0, 1.005, refused",
            "99.00, 99.00, , refused",
    })
    void creditsAtMostWhatIsLeft(String amount, String before, String asked, String expected) {
        Map<Integer, BigDecimal> request = new HashMap<>();
        request.put(1, asked == null ? null : new BigDecimal(asked));
        List<Original> originals = List.of(new Original(1, "Pro plan", new BigDecimal(amount), new BigDecimal(before)));
        if (expected.equals("refused")) {
            assertThrows(IllegalArgumentException.class, () -> CreditNotes.credit(originals, request, "USD", A, B));
        } else {
            assertEquals(new BigDecimal(expected), CreditNotes.credit(originals, request, "USD", A, B).get(0).amount());
        }
    }

    @ParameterizedTest(name = "credit {0} with {1} money and {2} credits left → {3}")
    @CsvSource({
            // an invoice paid by credits alone (total 0.00): everything goes back to the balance
            "15.00, 0.00, 15.00, 0.00/15.00",
            "5.00, 0.00, 15.00, 0.00/5.00",
            // paid partly in money: money first, then credits
            "30.00, 60.00, 40.00, 30.00/0.00",
            "100.00, 60.00, 40.00, 60.00/40.00",
            "70.00, 60.00, 40.00, 60.00/10.00",
            // earlier notes took the money: the rest is credits
            "10.00, 0.00, 10.00, 0.00/10.00",
            // never more than the invoice billed
            "15.01, 0.00, 15.00, refused",
            "101.00, 60.00, 40.00, refused",
    })
    void giveBackMoneyFirstThenCreditsNeverMoreThanBilled(String credited, String money, String credits,
            String expected) {
        if (expected.equals("refused")) {
            assertThrows(IllegalArgumentException.class,
                    () -> CreditNotes.split(new BigDecimal(credited), new BigDecimal(money), new BigDecimal(credits)));
            return;
        }
        var split = CreditNotes.split(new BigDecimal(credited), new BigDecimal(money), new BigDecimal(credits));
        assertEquals(expected, split.money().toPlainString() + "/" + split.credits().toPlainString());
    }
}
