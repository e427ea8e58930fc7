package io.accrue.e2e.model;

import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * The long billing model check: the property of {@link BillingModelCheckTest} with a new random seed each run
 * (jqwik prints it, and replays a failing one first on the next run). Not in the default build (its name is no
 * {@code *Test}): {@code -Dtest=BillingModelLongRun -Pmodel-long} runs 1,000 batches, 10,000 histories, or any
 * number with {@code -Daccrue.model.tries=N}.
 */
class BillingModelLongRun {

    private final KnownDefects defects = KnownDefects.fromSystemProperties();

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void everyInvoiceAgreesWithTheModel(@ForAll("batches") List<History> batch) {
        ModelCheck.check(batch, defects);
    }

    @Provide
    Arbitrary<List<History>> batches() {
        return BillingModelCheckTest.batches(defects, true); // with periods priced after the next one ended
    }
}
