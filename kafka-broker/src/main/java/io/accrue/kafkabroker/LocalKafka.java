package io.accrue.kafkabroker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real Apache Kafka broker in KRaft mode (broker and controller in one process, 127.0.0.1 only, replication
 * factors 1), started as a child JVM from the jars this module copies to {@code target/lib}. Its data folder
 * outlives the process: {@link #kill()} then {@link #start()} is a broker crash and restart on the same log, the
 * fault the ingestion consumers must survive.
 *
 * <p>
 * JDK classes only, so a Quarkus test can hold it without the broker's classpath (Scala, the broker's Jackson)
 * meeting the application's.
 */
public final class LocalKafka implements AutoCloseable {

    private final Path home;
    private final int port;
    private final int controllerPort;
    private final Path lib;
    private Process process;

    private LocalKafka(Path home, int port, int controllerPort, Path lib) {
        this.home = home;
        this.port = port;
        this.controllerPort = controllerPort;
        this.lib = lib;
    }

    /**
     * Formats {@code home} once (a new cluster id) and starts the broker on {@code port} (its controller on
     * {@code port + 1}); returns when the broker accepts connections.
     */
    public static LocalKafka start(Path home, int port, Duration timeout) throws IOException, InterruptedException {
        return start(home, port, timeout, brokerClasspath());
    }

    /**
     * As {@link #start(Path, int, Duration)} with the broker's jars from {@code lib} (a launcher whose classpath is a
     * flat folder of jars, like the local stack's, names kafka-broker's {@code target/lib} itself).
     */
    public static LocalKafka start(Path home, int port, Duration timeout, Path lib)
            throws IOException, InterruptedException {
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no Kafka broker jars at " + lib
                    + ": build the kafka-broker module first (./mvnw -B generate-resources -pl kafka-broker)");
        }
        LocalKafka kafka = new LocalKafka(home, port, port + 1, lib);
        kafka.format();
        kafka.start(timeout);
        return kafka;
    }

    /**
     * A free port whose next port is free too (the broker's listener and its controller's), for tests that start a
     * broker beside others.
     */
    public static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (java.net.ServerSocket next = new java.net.ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // another pair
            }
        }
        throw new IOException("no two free adjacent ports");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path home() {
        return home;
    }

    /** The broker process, while it runs (benchmarks read its CPU time). */
    public java.util.Optional<ProcessHandle> process() {
        return process != null && process.isAlive()
                ? java.util.Optional.of(process.toHandle())
                : java.util.Optional.empty();
    }

    /** Starts the broker again on its data folder (after {@link #kill()} or {@link #stop()}). */
    public void start(Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            return;
        }
        Path log = home.resolve("broker.log");
        process = java("kafka.Kafka", home.resolve("server.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitListening(timeout, log);
    }

    /** SIGKILL: nothing flushed, no controlled shutdown (a crashed broker). */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM and wait: the broker's controlled shutdown. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void format() throws IOException, InterruptedException {
        Files.createDirectories(home);
        Path properties = home.resolve("server.properties");
        if (Files.exists(home.resolve("data/meta.properties"))) {
            return;
        }
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + home.resolve("data"),
                // one node: every internal topic has one replica
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // topics are declared by their owner (usage-service creates its own), never by a first send
                "auto.create.topics.enable=false",
                // a consumer group of one settles at once instead of after 3 s
                "group.initial.rebalance.delay.ms=0",
                // durable as production: an acknowledged append is on disk before the answer
                "log.flush.interval.messages=1",
                ""));
        String clusterId = randomClusterId();
        Process formatting = java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("format.log").toFile()))
                .start();
        if (!formatting.waitFor(120, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka storage failed; see " + home.resolve("format.log"));
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms128m");
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(lib.resolve("*").toString());
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(home.toFile());
    }

    private void awaitListening(Duration timeout, Path log) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + "; see " + log);
            }
            if (Files.exists(log) && Files.readString(log).contains("Kafka Server started") && accepts()) {
                return;
            }
            Thread.sleep(100);
        }
        kill();
        throw new IllegalStateException("the Kafka broker was not up within " + timeout + "; see " + log);
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * The broker's jars: {@code -Daccrue.kafka.lib}, else {@code target/lib} beside this class's
     * {@code target/classes} or jar (a reactor build).
     */
    static Path brokerClasspath() {
        String named = System.getProperty("accrue.kafka.lib");
        Path lib;
        if (named != null) {
            lib = Path.of(named);
        } else {
            try {
                Path here = Path.of(LocalKafka.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                lib = here.getParent().resolve("lib");
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("no Kafka broker jars at " + lib
                    + ": build the kafka-broker module first (./mvnw -B generate-resources -pl kafka-broker)");
        }
        return lib;
    }

    /**
     * Kafka's cluster ids are URL-safe base64 of 16 bytes, unpadded (what {@code random-uuid} prints). Never one that
     * starts with '-': the storage tool's argument parser would read it as an option (Kafka's own generator skips
     * those for the same reason).
     */
    static String randomClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}
