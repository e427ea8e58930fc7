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
}
