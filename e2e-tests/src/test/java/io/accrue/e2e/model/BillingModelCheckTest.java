package io.accrue.e2e.model;

import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Issue 14: generated billing histories run through the real suite, every invoice compared with
 * {@link ReferenceModel} to the cent, and the invariants checked on every history (see {@link HistoryRunner}).
 * Each try is a batch of {@link #BATCH} histories played side by side (one billing run closes them all), so the
 * number of histories is tries × {@value #BATCH}: {@code jqwik.tries.default} in junit-platform.properties (CI),
 * {@code -Pmodel-long} for 10,000. A failing batch shrinks; its failing histories print as JSON.
 */
class BillingModelCheckTest {

    static final int BATCH = 10;
    private final KnownDefects defects = KnownDefects.fromSystemProperties();

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void everyInvoiceAgreesWithTheModel(@ForAll("batches") List<History> batch) {
        ModelCheck.check(batch, defects);
    }

    @Provide
    Arbitrary<List<History>> batches() {
        return Histories.histories(defects).list().ofSize(BATCH);
    }
}
