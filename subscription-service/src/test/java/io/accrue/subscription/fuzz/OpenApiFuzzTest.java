package io.accrue.subscription.fuzz;

import io.accrue.testing.AbstractOpenApiFuzzTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The suite's schema-driven fuzz test ({@link AbstractOpenApiFuzzTest}) on this service. Its own profile gives it a
 * fresh database (and keeps what it creates away from the other tests).
 */
@QuarkusTest
@TestProfile(OpenApiFuzzTest.Isolated.class)
class OpenApiFuzzTest extends AbstractOpenApiFuzzTest {

    public static class Isolated implements QuarkusTestProfile {
    }

    @Override
    protected String organisation() {
        // subscription-service answers most organisation calls only for a provisioned account
        return io.accrue.subscription.Api.provision("fuzz", "USD", "UTC");
    }
}
