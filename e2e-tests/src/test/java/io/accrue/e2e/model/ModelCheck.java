package io.accrue.e2e.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.accrue.e2e.Suite;

/**
 * Plays histories through {@link HistoryRunner} and turns their failures into one assertion message that carries
 * each failing history as JSON; the JSON also goes to {@code target/model-failures/}, where
 * {@code -Daccrue.model.replay=<file>} replays it ({@code ModelRegressionsTest}).
 */
final class ModelCheck {

    static final Path FAILURES = Path.of("target", "model-failures");

    private ModelCheck() {
    }

    static void check(List<History> batch, KnownDefects defects) {
        Suite.stack();
        long started = System.nanoTime();
        List<List<String>> failures = new HistoryRunner(defects).run(batch);
        System.out.printf("[model] %d histories, %d periods, %d failing, in %.1f s%n", batch.size(),
                batch.stream().mapToInt(h -> h.periods().size()).sum(),
                failures.stream().filter(f -> !f.isEmpty()).count(), (System.nanoTime() - started) / 1e9);
        StringBuilder report = new StringBuilder();
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (failures.get(i).isEmpty()) {
                continue;
            }
            Path file = write(batch.get(i));
            written.add(file);
            // printed at once: a failing batch shrinks for minutes before jqwik reports it
            System.out.printf("[model] history %d disagrees (%s):%n  %s%n", i, file.getFileName(),
                    String.join("\n  ", failures.get(i)));
            report.append("\n\nhistory ").append(i).append(" (replay: ./mvnw -B verify -pl local-stack,e2e-tests"
                    + " -Dtest=ModelRegressionsTest -Daccrue.model.replay=").append(file.toAbsolutePath())
                    .append(")\n").append(String.join("\n", failures.get(i))).append("\n")
                    .append(batch.get(i).toJson());
        }
        if (!written.isEmpty()) {
            throw new AssertionError(written.size() + " of " + batch.size() + " histories disagree with the model:"
                    + report);
        }
    }

    private static Path write(History history) {
        try {
            Files.createDirectories(FAILURES);
            Path file = FAILURES.resolve("history-" + Integer.toHexString(history.toJson().hashCode()) + ".json");
            Files.writeString(file, history.toJson());
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
