package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.CorrectionEffect.Window;

/**
 * A late timeline change that raises an invoiced period's base fee (rule 12a): the supplementary invoice charges the
 * increase less the minimum top-ups the higher base fee makes unnecessary in each settled window — what recording
 * the change on time would have billed on top of what was billed.
 */
class DebitEffectTest {

    /** Windows as "period:months:minimum:charged:toppedUp:settled"; the result as "debit | period:lowered …". */
    @ParameterizedTest(name = "{0}, increase {1} → debit {3}")
    @CsvSource(delimiter = '|', value = {
            // no minimum: the whole increase is charged
            "'' | 200.50 | USD | 200.50 | ''",
            // 99 charged + 51 topped up to 150: the increase makes the top-up unnecessary, 149.50 is charged
            "monthly:1:150:99:51:true | 200.50 | USD | 149.50 | monthly:51.00",
            // 99 + 301 to 400: 299.50 is charged now, a 100.50 top-up is still owed; the increase is wholly absorbed
            "monthly:1:400:99:301:true | 200.50 | USD | 0.00 | monthly:200.50",
            // the window is not settled: its own last invoice tops it up from the corrected charges
            "monthly:1:150:99:0:false | 200.50 | USD | 200.50 | ''",
            // charged above the minimum, no top-up to take off
            "monthly:1:200:300:0:true | 200.50 | USD | 200.50 | ''",
            // monthly then quarterly: the month's 51 top-up goes, so the quarter counts 49 more, not 100, and its
            // top-up of 200 falls to 151: on time it would have been 349 + 151 = 500, as billed
            "quarterly:3:500:300:200:true monthly:1:150:99:51:true | 100 | USD | 0.00 | monthly:51.00 quarterly:49.00",
            // a prorated minimum rounds the top-up it still owes once, in JPY
            "monthly:1:1000.4:500:500:true | 300 | JPY | 0 | monthly:300",
            "monthly:1:1000.4:500:500:true | 600 | JPY | 100 | monthly:500",
            // nothing more owed: nothing
            "monthly:1:150:99:51:true | 0 | USD | 0 | ''",
    })
    void chargesTheNetDifference(String windows, String increase, String currency, String debit, String lowered) {
        List<Window> in = new ArrayList<>();
        for (String w : windows.isBlank() ? new String[0] : windows.split(" ")) {
            String[] p = w.split(":");
            in.add(new Window(p[0], Integer.parseInt(p[1]), new BigDecimal(p[2]), new BigDecimal(p[3]),
                    new BigDecimal(p[4]), Boolean.parseBoolean(p[5])));
        }
        DebitEffect.Effect effect = DebitEffect.of(new BigDecimal(increase), in, currency);
        assertEquals(0, new BigDecimal(debit).compareTo(effect.debit()), effect.toString());
        assertEquals(lowered, effect.lowered().stream()
                .map(t -> t.period() + ":" + t.amount().setScale(t.amount().scale() > 0 ? 2 : 0).toPlainString())
                .collect(Collectors.joining(" ")));
    }
}
