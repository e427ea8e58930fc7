package io.accrue.e2e.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every history the model check ever found failing, kept under {@code src/test/resources/model-regressions/} and
 * replayed as a plain test; or the one file named by {@code -Daccrue.model.replay=<path>} (a history as the check
 * prints it, or a regression file). A regression whose fix has not landed ({@code requires}, see
 * {@link KnownDefects}) is skipped with that name.
 */
class ModelRegressionsTest {

    /** A kept failure: what it found, the fix it needs to pass ({@code issue13.3}, …), and the history. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Regression(String found, String requires, History history, String failureOutput) {}

    private final KnownDefects defects = KnownDefects.fromSystemProperties();

    @TestFactory
    Stream<DynamicTest> keptFailuresAgreeWithTheModel() throws IOException, URISyntaxException {
        String replay = System.getProperty("accrue.model.replay");
        List<Path> files;
        if (replay != null && !replay.isBlank()) {
            files = List.of(Path.of(replay));
        } else {
            Path folder = Path.of(ModelRegressionsTest.class.getResource("/model-regressions").toURI());
            try (Stream<Path> list = Files.list(folder)) {
                files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            }
        }
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            Regression r = read(file);
            assumeTrue(r.requires() == null || defects.fixed(r.requires()),
                    () -> "needs " + r.requires() + " (not landed: -D" + KnownDefects.PROPERTY + "=" + r.requires()
                            + " to run it): " + r.found());
            ModelCheck.check(List.of(r.history()), defects);
        }));
    }

    static Regression read(Path file) {
        try {
            String json = Files.readString(file);
            if (History.JSON.readTree(json).has("history")) {
                return History.JSON.readValue(json, Regression.class);
            }
            return new Regression(null, null, History.fromJson(json), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
