package io.accrue.invoice.fuzz;

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
}
