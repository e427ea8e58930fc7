package io.accrue.e2e.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every history the model check ever found failing, kept under {@code src/test/resources/model-regressions/} and
 * replayed side by side in one batch (a failure names the history by its place in the list, in file-name order); or
 * the one file named by {@code -Daccrue.model.replay=<path>} (a history as the check
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
        if (replay != null && !replay.isBlank()) {
            Path file = Path.of(replay);
            return Stream.of(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                Regression r = read(file);
                assumeLanded(r);
                ModelCheck.check(List.of(r.history()), defects);
            }));
        }
        Path folder = Path.of(ModelRegressionsTest.class.getResource("/model-regressions").toURI());
        Map<String, Regression> kept = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            list.filter(f -> f.toString().endsWith(".json")).sorted()
                    .forEach(f -> kept.put(f.getFileName().toString(), read(f)));
        }
        Map<String, Regression> waiting = new LinkedHashMap<>(kept);
        waiting.values().removeIf(this::landed);
        List<String> names = kept.keySet().stream().filter(n -> !waiting.containsKey(n)).toList();
        // played side by side, as the model check plays a batch: one billing run closes them all, so the kept cases
        // cost about one history's time instead of one each (11 one by one took 200 s). Each keeps its own
        // organisation. The runner plays one fault at a time (a crash is not played while contract-service is down),
        // so each history with a crash or an outage gets a batch without another one
        Stream<DynamicTest> batches = sideBySide(names, kept).stream().map(batch -> DynamicTest.dynamicTest(
                "kept failures side by side: " + String.join(", ", batch),
                () -> ModelCheck.check(batch.stream().map(n -> kept.get(n).history()).toList(), defects)));
        return Stream.concat(waiting.entrySet().stream().map(w -> DynamicTest.dynamicTest(w.getKey(),
                () -> assumeLanded(w.getValue()))), batches);
    }

    /** The kept histories in batches: all of them together, but at most one with a fault (crash, outage) each. */
    static List<List<String>> sideBySide(List<String> names, Map<String, Regression> kept) {
        List<List<String>> batches = new ArrayList<>();
        batches.add(new ArrayList<>());
        for (String name : names) {
            boolean faulty = hasFault(kept.get(name).history());
            List<String> batch = batches.stream()
                    .filter(b -> !faulty || b.stream().noneMatch(n -> hasFault(kept.get(n).history()))).findFirst()
                    .orElseGet(() -> {
                        batches.add(new ArrayList<>());
                        return batches.get(batches.size() - 1);
                    });
            batch.add(name);
        }
        return batches;
    }

    private static boolean hasFault(History history) {
        return history.periods().stream().anyMatch(p -> p.crashMidRun() || p.contractServiceDown());
    }

    private boolean landed(Regression r) {
        return r.requires() == null || defects.fixed(r.requires());
    }

    private void assumeLanded(Regression r) {
        assumeTrue(landed(r), () -> "needs " + r.requires() + " (not landed: -D" + KnownDefects.PROPERTY + "="
                + r.requires() + " to run it): " + r.found());
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
