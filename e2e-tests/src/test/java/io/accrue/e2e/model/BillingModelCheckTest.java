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
 * number of histories is tries × {@value #BATCH}: {@code -Daccrue.model.tries} (10 in the build). The build plays
 * the same histories every time (the fixed {@link #SEED}), so a red build is a change of the code, not of the
 * dice; {@link BillingModelLongRun} draws new ones. A failing batch shrinks; its failing histories print as JSON.
 */
class BillingModelCheckTest {

    static final int BATCH = 10;
    /**
     * The build's histories: 10 batches from this seed passed on the merged issue-13 code (2026-12-02), and again
     * with unpriced usage and invoice-service crashes in the generator (3 re-ratings, 1 crash mid-run). Change it
     * only together with a run that shows the new histories green.
     */
    static final String SEED = "2555609377995448287";
    private final KnownDefects defects = KnownDefects.fromSystemProperties();

    @Property(seed = SEED, shrinking = ShrinkingMode.BOUNDED)
    void everyInvoiceAgreesWithTheModel(@ForAll("batches") List<History> batch) {
        ModelCheck.check(batch, defects);
    }

    @Provide
    Arbitrary<List<History>> batches() {
        return batches(defects);
    }

    static Arbitrary<List<History>> batches(KnownDefects defects) {
        return batches(defects, false);
    }

    /** @param priceLate whether to draw periods priced after the next one ended ({@link BillingModelLongRun}) */
    static Arbitrary<List<History>> batches(KnownDefects defects, boolean priceLate) {
        return Histories.histories(defects, priceLate).list().ofSize(BATCH);
    }
}
