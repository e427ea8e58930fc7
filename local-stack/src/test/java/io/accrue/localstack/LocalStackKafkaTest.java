package io.accrue.localstack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/accrue-local --kafka}: the stack starts a real Kafka broker from the kafka-broker module's jars and
 * usage-service in ingestion mode kafka against it — an event answers {@code queued}, and the service's own consumer
 * writes it to the stack's PostgreSQL. Runs usage-service alone (a root holding only that module), from its packaged
 * {@code target/quarkus-app}; skipped where it was not packaged ({@code ./mvnw package -pl usage-service -am}).
 */
class LocalStackKafkaTest {

    private static final int OFFSET = 9650;

    @TempDir
    Path dir;

    @Test
    void usageEventsAreQueuedInTheBrokerAndWrittenByUsageServicesConsumer() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.exists(repo.resolve("usage-service/target/quarkus-app/quarkus-run.jar")),
                "usage-service is not packaged");
        assumeTrue(Files.isDirectory(repo.resolve("kafka-broker/target/lib")), "kafka-broker is not built");
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.createSymbolicLink(root.resolve("usage-service"), repo.resolve("usage-service"));
        Files.createSymbolicLink(root.resolve("local-stack"), repo.resolve("local-stack"));
        Files.createSymbolicLink(root.resolve("kafka-broker"), repo.resolve("kafka-broker"));

        LocalStack stack = new LocalStack(root, dir.resolve("home"), OFFSET, false).withKafka(true);
        stack.start();
        try {
            assertTrue(Files.isDirectory(dir.resolve("home/kafka/data")), "the broker keeps its log in the home");
            String org = "local-kafka-" + UUID.randomUUID();
            String token = stack.token("gateway", List.of("usage-reporter"), org, "live");
            String body = IntStream.range(0, 3).mapToObj(i -> """
                    {"eventId":"lk-%d","endUserId":"u-1","model":"gpt-4o","inputTokens":100,"outputTokens":20,\
                    "occurredAt":"%s"}""".formatted(i, Instant.now().minusSeconds(60)))
                    .collect(Collectors.joining(",", "{\"events\":[", "]}"));
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(URI.create(stack.serviceUrl("usage-service") + "/v1/usage-events"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"queued\":3"), answer.body());

            await().atMost(Duration.ofSeconds(90)).until(() -> events(org) == 3);
            assertEquals(3, events(org), "usage-service's consumer wrote each queued event once");
        } finally {
            stack.stop();
        }
    }

    private static long events(String org) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + (54329 + OFFSET) + "/usage",
                LocalPostgres.USER, LocalPostgres.PASSWORD);
                PreparedStatement ps = c.prepareStatement("select count(*) from usage_events where org_id = ?")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
