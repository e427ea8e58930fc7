package io.accrue.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NeighbourAnswersTest {

    @ParameterizedTest(name = "{0} → permanent {1}")
    @CsvSource({"400, true", "404, true", "409, true", "422, true", "499, true", "408, false", "429, false",
            "500, false", "503, false", "200, false", "302, false"})
    void onlyRefusalsThatAskingAgainCannotChangeArePermanent(int status, boolean permanent) {
        assertEquals(permanent, NeighbourAnswers.isPermanentRefusal(status));
    }
}
