package io.accrue.invoice.enduser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.state.WireValue;
import io.accrue.invoice.invoices.InvoiceStatus;

/** Every move of an end-user invoice, allowed or refused, and the wire values the API and the column keep. */
class EndUserInvoiceStatesTest {

    @ParameterizedTest(name = "{0} may move to [{1}]")
    @CsvSource(delimiter = '|', value = {
            "open             | ",
            "pending_delivery | sent delivery_failed paid void uncollectible",
            "sent             | paid void uncollectible",
            "delivery_failed  | pending_delivery paid void uncollectible",
            "paid             | ",
            "void             | ",
            "uncollectible    | paid void"
    })
    void everyMove(String from, String allowed) {
        EndUserInvoiceStatus current = status(from);
        Set<String> expected = allowed == null ? Set.of() : Set.of(allowed.split(" "));
        Set<String> actual = Arrays.stream(EndUserInvoiceStatus.values()).filter(current::mayMoveTo)
                .map(WireValue::wire).collect(Collectors.toSet());
        assertEquals(expected, actual);
    }

    @Test
    void stripeSettlementsKeepTheirWireValues() {
        assertEquals(List.of("open", "pending_delivery", "sent", "delivery_failed", "paid", "void", "uncollectible"),
                Arrays.stream(EndUserInvoiceStatus.values()).map(WireValue::wire).toList());
        assertEquals(EndUserInvoiceStatus.PAID, EndUserInvoiceStatus.settled(InvoiceStatus.PAID));
        assertEquals(EndUserInvoiceStatus.UNCOLLECTIBLE, EndUserInvoiceStatus.settled(InvoiceStatus.UNCOLLECTIBLE));
        assertThrows(IllegalArgumentException.class, () -> EndUserInvoiceStatus.settled(InvoiceStatus.OPEN));
    }

    private static EndUserInvoiceStatus status(String wire) {
        return WireValue.find(EndUserInvoiceStatus.class, wire).orElseThrow();
    }
}
