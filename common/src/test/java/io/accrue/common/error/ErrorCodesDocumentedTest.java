package io.accrue.common.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every stable error code a service can answer is listed in docs/errors.md: the codes are read from the main sources
 * of every module (the ways a code is raised: {@link ApiException}'s factories and constructor, {@link Problems},
 * the HTTP edge, per-event rejections, the mapper's status table).
 */
class ErrorCodesDocumentedTest {

    private static final List<Pattern> RAISES = List.of(
            Pattern.compile(
                    "ApiException\\.(?:badRequest|forbidden|notFound|conflict|unprocessable)\\(\\s*\"([a-z0-9_]+)\""),
            Pattern.compile("new ApiException\\(\\s*\\d{3},\\s*\"([a-z0-9_]+)\""),
            Pattern.compile("Problems\\.response\\(\\s*\\d{3},\\s*\"([a-z0-9_]+)\""),
            Pattern.compile("problem\\(ctx,\\s*\\d{3},\\s*\"([a-z0-9_]+)\""),
            Pattern.compile("EventResult\\.rejected\\([^;]*?,\\s*\"([a-z0-9_]+)\",", Pattern.DOTALL),
            Pattern.compile("case \\d{3} -> \"([a-z0-9_]+)\""));

    @Test
    void everyCodeRaisedIsDocumented() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        String docs = Files.readString(root.resolve("docs/errors.md"));
        Set<String> raised = new TreeSet<>();
        for (String module : List.of("common", "subscription-service", "usage-service", "invoice-service",
                "contract-service")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(f);
                    for (Pattern p : RAISES) {
                        Matcher m = p.matcher(source);
                        while (m.find()) {
                            raised.add(m.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(raised.size() > 50, "the scan found only " + raised + ": it is broken");
        Set<String> missing = new TreeSet<>();
        for (String code : raised) {
            if (!docs.contains("`" + code + "`")) {
                missing.add(code);
            }
        }
        assertEquals(Set.of(), missing, "codes raised in the code but missing from docs/errors.md");
    }
}
