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
 * A late timeline change's whole effect (rule 12a): the base fee it no longer owes, less the minimum top-up that
 * the lower base fee raises in each settled window. The result equals what recording the change on time would
 * have billed.
 */
class CorrectionEffectTest {

    /**
     * Windows as "period:months:minimum:charged:toppedUp:settled"; the result as "credit | period:topUp …".
     */
    @ParameterizedTest(name = "{0}, reduction {1} → credit {2}")
    @CsvSource(delimiter = '|', value = {
            // no minimum: the whole base-fee reduction is credited
            "'' | 49.50 | USD | 49.50 | ''",
            // charges 300 over a 200 minimum: the reduction leaves them above it, credited in full
            "monthly:1:200:300:0:true | 49.50 | USD | 49.50 | ''",
            // charges 220 over a 200 minimum: 170.50 after the reduction, so 29.50 is topped up and 20.00 credited
            "monthly:1:200:220:0:true | 49.50 | USD | 20.00 | monthly:29.50",
            // the window was already topped up to 200 (150 charged + 50): the whole reduction goes to the top-up
            "monthly:1:200:150:50:true | 49.50 | USD | 0.00 | monthly:49.50",
            // the window is not settled yet: its own last invoice tops it up from the corrected charges
            "monthly:1:200:150:0:false | 49.50 | USD | 49.50 | ''",
            // monthly then quarterly: the monthly top-up counts toward the quarter (710 − 49.50 + 29.50 = 690), which
            // still needs 10.00 more
            "quarterly:3:700:710:0:true monthly:1:200:220:0:true | 49.50 | USD | 10.00 | monthly:29.50 quarterly:10.00",
            // a quarter already topped up: everything the month does not keep, the quarter keeps
            "quarterly:3:700:690:10:true monthly:1:200:220:0:true | 49.50 | USD | 0.00 | monthly:29.50 quarterly:20.00",
            // quarterly only, settled, charged far above: credited in full
            "quarterly:3:700:900:0:true | 49.50 | USD | 49.50 | ''",
            // a prorated stub minimum (12 places) rounds its top-up once, half-up, in JPY
            "monthly:1:1000.4:1200:0:true | 500 | JPY | 200 | monthly:300",
            "monthly:1:1000.5:1200:0:true | 500 | JPY | 199 | monthly:301",
            // nothing no longer owed: nothing
            "monthly:1:200:220:0:true | 0 | USD | 0 | ''",
    })
    void creditsTheNetDifference(String windows, String reduction, String currency, String credit, String topUps) {
        List<Window> in = new ArrayList<>();
        for (String w : windows.isBlank() ? new String[0] : windows.split(" ")) {
            String[] p = w.split(":");
            in.add(new Window(p[0], Integer.parseInt(p[1]), new BigDecimal(p[2]), new BigDecimal(p[3]),
                    new BigDecimal(p[4]), Boolean.parseBoolean(p[5])));
        }
        CorrectionEffect.Effect effect = CorrectionEffect.of(new BigDecimal(reduction), in, currency);
        assertEquals(0, new BigDecimal(credit).compareTo(effect.credit()), effect.toString());
        assertEquals(topUps, effect.topUps().stream()
                .map(t -> t.period() + ":" + t.amount().toPlainString()).collect(Collectors.joining(" ")));
        // the credit and the top-ups together are exactly what the base fee no longer owes
        BigDecimal sum = effect.topUps().stream().map(CorrectionEffect.TopUp::amount).reduce(effect.credit(),
                BigDecimal::add);
        if (effect.reduction().signum() > 0) {
            assertEquals(0, sum.compareTo(effect.reduction()));
        }
    }
}
