package io.accrue.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.accrue.kafkabroker.LocalKafka;

/**
 * Starts the whole suite on one machine with nothing but a JDK: embedded PostgreSQL (a database per
 * service), a local OIDC provider with the roles of design.md, a Stripe stand-in (WireMock with
 * Stripe-shaped mappings) and the four services; waits until all are ready, provisions two demo
 * organisations, prints how to call them, and stops everything on Ctrl-C. Its {@code Instant.now()} calls are
 * wall time on purpose: start-up deadlines and timings of the launcher, not the suite's business clock.
 */
public final class LocalStack {

    record ServiceSpec(String name, String database, int port) {}

    static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("subscription-service", "subscription", 8081),
            new ServiceSpec("usage-service", "usage", 8082),
            new ServiceSpec("invoice-service", "invoice", 8083),
            new ServiceSpec("contract-service", "contract", 8084),
            // the console owns no data: it signs users in and calls the four services with their tokens
            new ServiceSpec("console", null, 8085));

    static final String HOST = "127.0.0.1";
    static final String STRIPE_API_KEY = "sk_test_local_stack";
    static final String STRIPE_WEBHOOK_SECRET = "whsec_local_stack";

    private final Path root;
    private final Path home;
    /** Added to every port, so a second stack (the end-to-end tests) can run beside a developer's. */
    private final int portOffset;
    private final int postgresPort;
    private final int oidcPort;
    private final int stripePort;
    /** The SMTP server's ports (GreenMail: SMTP for subscription-service, IMAP to read what it received). */
    private final int smtpPort;
    private final int imapPort;
    private LocalMailServer mail;
    private final boolean provisionDemo;
    private final List<AutoCloseable> started = new ArrayList<>();
    /** The running services by name, with the environment each was started with (for a restart). */
    private final Map<String, ServiceProcess> services = new java.util.LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    /** Settings a caller adds to one service's environment ({@link #withEnvironment}), applied after the stack's. */
    private final Map<String, Map<String, String>> extraEnvironment = new HashMap<>();
    private LocalOidcProvider oidc;
    /** Set instead of {@link #oidc} when the stack runs a real Keycloak ({@link #withKeycloak}). */
    private LocalKeycloak keycloak;
    private boolean useKeycloak;
    /** Set by {@link #withKafka}: a real broker, and usage-service in ingestion mode kafka. */
    private boolean useKafka;
    private LocalKafka kafka;
    private final int kafkaPort;
    /** Set once stop() begins, so the services it stops are not reported as having died. */
    private volatile boolean stopping;

    /**
     * @param root the repository root (where the services' {@code target/} folders are)
     * @param home where PostgreSQL data and logs live
     * @param portOffset added to every default port
     * @param provisionDemo whether to create the demo organisations acme and globex
     */
    public LocalStack(Path root, Path home, int portOffset, boolean provisionDemo) {
        this.root = root;
        this.home = home;
        this.portOffset = portOffset;
        this.postgresPort = 54329 + portOffset;
        this.oidcPort = 8180 + portOffset;
        this.stripePort = 12111 + portOffset;
        this.smtpPort = 3025 + portOffset;
        this.imapPort = 3143 + portOffset;
        this.kafkaPort = 19092 + portOffset;
        this.provisionDemo = provisionDemo;
    }

    /**
     * Runs a real Keycloak (Maven Central's distribution, {@link LocalKeycloak}) instead of the small local provider,
     * with the same realm: same users, clients, secrets, roles and claims. Tokens then come only from its token
     * endpoint ({@link #passwordToken}, {@link #clientToken}); {@link #token} is the local provider's alone.
     */
    public LocalStack withKeycloak(boolean keycloak) {
        this.useKeycloak = keycloak;
        return this;
    }

    /**
     * One more environment variable of one service (e.g. usage-service's {@code ACCRUE_USAGE_UNKNOWN_MODEL=flag}),
     * over the stack's own; call before {@link #start}. It stays through {@link #startService} restarts.
     */
    public LocalStack withEnvironment(String service, String name, String value) {
        extraEnvironment.computeIfAbsent(service, s -> new HashMap<>()).put(name, value);
        return this;
    }

    public boolean usesKeycloak() {
        return useKeycloak;
    }

    /**
     * Runs a real Apache Kafka broker (KRaft, one node, the kafka-broker module's Maven Central jars, data in
     * {@code <home>/kafka}) and usage-service in ingestion mode {@code kafka} against it: usage events answer
     * {@code queued} and usage-service's consumer writes them to PostgreSQL (usage-service README).
     */
    public LocalStack withKafka(boolean kafka) {
        this.useKafka = kafka;
        return this;
    }

    /** The name and default port of the usage-service replica {@link #startKafkaUsageReplica} adds. */
    static final String KAFKA_USAGE_REPLICA = "usage-service-kafka";
    static final int KAFKA_USAGE_REPLICA_PORT = 8086;

    /**
     * Adds to a running stack a second usage-service on the same {@code usage} database, in ingestion mode
     * {@code kafka}, and a real broker for it (started here unless {@link #withKafka} already runs one): the
     * end-to-end tests run the billing loop through both ingestion modes on one stack start, with the stack's
     * direct-mode usage-service untouched. It is an ordinary replica (its consumer writes the log with the same
     * writer, its summaries read the same tables), on port {@value #KAFKA_USAGE_REPLICA_PORT} + the offset, with a
     * test clock of its own: a test that moves the stack's clocks moves this one too. Idempotent: a second call
     * answers the running replica's URL.
     *
     * @return the replica's base URL
     */
    public synchronized String startKafkaUsageReplica() throws Exception {
        int port = KAFKA_USAGE_REPLICA_PORT + portOffset;
        if (services.containsKey(KAFKA_USAGE_REPLICA)) {
            return "http://" + HOST + ":" + port;
        }
        Map<String, String> environment = environments.get("usage-service");
        if (environment == null) {
            throw new IllegalStateException("start the stack (with usage-service) before its kafka replica");
        }
        if (kafka == null) {
            for (int p : new int[]{kafkaPort, kafkaPort + 1, port}) {
                if (!portFree(p)) {
                    throw new IllegalStateException("port " + p + " (the kafka replica or its broker) is in use");
                }
            }
            Path lib = Path.of(System.getProperty("accrue.kafka.lib",
                    root.resolve("kafka-broker/target/lib").toString()));
            log("Apache Kafka (KRaft, one node) on port " + kafkaPort + ", data in " + home.resolve("kafka"));
            kafka = LocalKafka.start(home.resolve("kafka"), kafkaPort, Duration.ofMinutes(3), lib);
            started.add(kafka);
        }
        Map<String, String> replicaEnvironment = new HashMap<>(environment);
        replicaEnvironment.put("ACCRUE_USAGE_INGEST_MODE", "kafka");
        replicaEnvironment.put("ACCRUE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        ServiceProcess replica = new ServiceProcess(KAFKA_USAGE_REPLICA, port,
                root.resolve("usage-service/target/quarkus-app/quarkus-run.jar"),
                home.resolve("logs").resolve(KAFKA_USAGE_REPLICA + ".log"));
        replica.start(replicaEnvironment);
        started.add(replica);
        services.put(KAFKA_USAGE_REPLICA, replica);
        environments.put(KAFKA_USAGE_REPLICA, replicaEnvironment);
        replica.awaitReady(Instant.now().plus(Duration.ofSeconds(Long.getLong("accrue.ready-timeout", 180))));
        log(KAFKA_USAGE_REPLICA + " (ingestion mode kafka, same database) ready at " + replica.url());
        return replica.url();
    }

    /** {@code host:port} of the stack's broker; only with {@link #withKafka} or {@link #startKafkaUsageReplica}. */
    public String kafkaBootstrapServers() {
        if (kafka == null) {
            throw new IllegalStateException("this stack runs no Kafka broker (withKafka, startKafkaUsageReplica)");
        }
        return kafka.bootstrapServers();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("accrue.root", ".")).toAbsolutePath().normalize();
        Path home = Path.of(System.getProperty("accrue.home", root.resolve(".local-stack").toString()));
        int offset;
        try {
            offset = Integer.parseInt(System.getProperty("accrue.port-offset", "0").strip());
        } catch (NumberFormatException e) {
            System.err.println("Local stack: accrue.port-offset must be a whole number, not '"
                    + System.getProperty("accrue.port-offset") + "'");
            System.exit(2);
            return;
        }
        LocalStack stack = new LocalStack(root, home, offset, true).withKeycloak(Boolean.getBoolean("accrue.keycloak"))
                .withKafka(Boolean.getBoolean("accrue.kafka"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the local stack…");
            stack.stop();
            stopped.countDown();
        }, "local-stack-shutdown"));
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("Local stack failed to start: " + e.getMessage());
            System.exit(1);
        }
        if (Boolean.getBoolean("accrue.exit-when-ready")) {
            System.exit(0);
        }
        // a service that dies later (out of memory, a crash) stops the whole stack, saying which and where its log is
        stack.firstServiceExit().thenAccept(dead -> {
            if (!stack.stopping) {
                System.err.println("[local-stack] " + dead.name + " stopped unexpectedly (exit code "
                        + dead.exitCode() + "); see " + dead.log + ". Stopping the local stack.");
                System.exit(1);
            }
        });
        stopped.await();
    }

    /** Completes with the first service process that exits, whatever the reason. */
    java.util.concurrent.CompletableFuture<ServiceProcess> firstServiceExit() {
        List<java.util.concurrent.CompletableFuture<ServiceProcess>> exits = services.values().stream()
                .map(ServiceProcess::onExit).toList();
        return java.util.concurrent.CompletableFuture
                .anyOf(exits.toArray(new java.util.concurrent.CompletableFuture[0]))
                .thenApply(ServiceProcess.class::cast);
    }

    /**
     * Refuses to start, in one line naming the port and what wanted it, when a port of this stack is taken (usually a
     * stack already running): nothing is started, so nothing half-started needs stopping.
     */
    void checkPortsFree() {
        Map<Integer, String> wanted = new java.util.LinkedHashMap<>();
        wanted.put(postgresPort, "PostgreSQL");
        wanted.put(oidcPort, useKeycloak ? "Keycloak" : "the OIDC provider");
        wanted.put(stripePort, "the Stripe stand-in");
        wanted.put(smtpPort, "the SMTP server");
        wanted.put(imapPort, "the SMTP server's IMAP");
        if (useKafka) {
            wanted.put(kafkaPort, "the Kafka broker");
            wanted.put(kafkaPort + 1, "the Kafka broker's controller");
        }
        for (ServiceSpec spec : SERVICES) {
            if (java.nio.file.Files.isDirectory(root.resolve(spec.name()))) {
                wanted.put(spec.port() + portOffset, spec.name());
            }
        }
        for (var port : wanted.entrySet()) {
            if (!portFree(port.getKey())) {
                throw new IllegalStateException("port " + port.getKey() + " (" + port.getValue() + ") is in use"
                        + " (another local stack?); stop it, or shift every port of this one with"
                        + " ACCRUE_PORT_OFFSET=<n> bin/accrue-local (currently " + portOffset + ")");
            }
        }
    }

    private static boolean portFree(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            // reuse on, as the servers themselves bind: a listener still refuses the bind, while the TIME_WAIT
            // connections a stack stopped a moment ago leaves behind do not count as "in use"
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts everything, or, if any part fails, stops what did start and rethrows. */
    public void start() throws Exception {
        try {
            startAll();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Instant began = Instant.now();
        checkPortsFree();
        log("PostgreSQL 17 (embedded) on port " + postgresPort + ", data in " + home.resolve("postgres"));
        LocalPostgres postgres = LocalPostgres.start(home.resolve("postgres"), postgresPort,
                SERVICES.stream().map(ServiceSpec::database).filter(java.util.Objects::nonNull).toList());
        started.add(postgres);

        if (useKafka) {
            Path lib = Path.of(System.getProperty("accrue.kafka.lib",
                    root.resolve("kafka-broker/target/lib").toString()));
            log("Apache Kafka (KRaft, one node) on port " + kafkaPort + ", data in " + home.resolve("kafka"));
            kafka = LocalKafka.start(home.resolve("kafka"), kafkaPort, Duration.ofMinutes(3), lib);
            started.add(kafka);
        }

        LocalRealm realm = LocalRealm.load().withConsoleAt(serviceUrl("console"));
        if (useKeycloak) {
            Instant keycloakStart = Instant.now();
            log("Keycloak " + LocalKeycloak.VERSION + " on port " + oidcPort + " (the first start on a machine unpacks"
                    + " and builds it: a minute or more), log in " + home.resolve("logs/keycloak.log"));
            keycloak = LocalKeycloak.start(realm, HOST, oidcPort, home, Instant.now()
                    .plus(Duration.ofSeconds(Long.getLong("accrue.keycloak.ready-timeout", 600))));
            started.add(keycloak);
            log("Keycloak ready in " + Duration.between(keycloakStart, Instant.now()).toSeconds() + " s at "
                    + keycloak.issuer());
        } else {
            oidc = new LocalOidcProvider(realm, HOST, oidcPort);
            oidc.start();
            started.add(oidc);
            log("OIDC provider at " + oidc.issuer());
        }

        WireMockServer stripe = new WireMockServer(WireMockConfiguration.options()
                .bindAddress(HOST).port(stripePort)
                .usingFilesUnderDirectory(root.resolve("local-stack/stripe").toString())
                .globalTemplating(true).extensions(new StripeStandInState()));
        stripe.start();
        started.add(stripe::stop);
        log("Stripe stand-in at http://" + HOST + ":" + stripePort + " (" + stripe.getStubMappings().size()
                + " mappings)");

        mail = LocalMailServer.start(HOST, smtpPort, imapPort);
        started.add(mail);
        log("SMTP server (GreenMail) on port " + smtpPort + ", IMAP on " + imapPort);

        List<ServiceProcess> services = new ArrayList<>();
        for (ServiceSpec spec : SERVICES) {
            if (!java.nio.file.Files.isDirectory(root.resolve(spec.name()))) {
                continue; // a module this checkout does not have
            }
            ServiceProcess service = new ServiceProcess(spec.name(), spec.port() + portOffset,
                    root.resolve(spec.name()).resolve("target/quarkus-app/quarkus-run.jar"),
                    home.resolve("logs").resolve(spec.name() + ".log"));
            Map<String, String> environment = environmentFor(spec, postgres);
            environment.putAll(extraEnvironment.getOrDefault(spec.name(), Map.of()));
            service.start(environment);
            started.add(service);
            services.add(service);
            this.services.put(spec.name(), service);
            environments.put(spec.name(), environment);
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(Long.getLong("accrue.ready-timeout", 180)));
        for (ServiceProcess service : services) {
            service.awaitReady(deadline);
            log(service.name + " ready at " + service.url());
        }
        if (provisionDemo) {
            provisionDemoOrganisations();
        }
        printBanner(Duration.between(began, Instant.now()));
    }

    private Map<String, String> environmentFor(ServiceSpec spec, LocalPostgres postgres) {
        Map<String, String> env = new HashMap<>();
        if (spec.database() != null) {
            env.put("ACCRUE_DB_URL", postgres.jdbcUrl(spec.database()));
        }
        env.put("ACCRUE_DB_USER", LocalPostgres.USER);
        env.put("ACCRUE_DB_PASSWORD", LocalPostgres.PASSWORD);
        env.put("ACCRUE_OIDC_URL", oidcIssuer());
        // as in production: a token the realm issued for another application (no "accrue" audience) is refused
        env.put("ACCRUE_OIDC_AUDIENCE", "accrue");
        env.put("ACCRUE_SERVICE_TOKEN_URL", tokenEndpoint());
        env.put("ACCRUE_SERVICE_CLIENT_ID", "accrue-billing-service");
        env.put("ACCRUE_SERVICE_CLIENT_SECRET", "local-billing-service-secret");
        env.put("ACCRUE_CLOCK_ADJUSTABLE", "true");
        // webhook endpoints on this machine (a receiver a developer or a test runs on 127.0.0.1) are allowed locally;
        // production keeps the outbound-URL policy's public-https-only default (docs/security.md)
        env.put("ACCRUE_OUTBOUND_ALLOW_PRIVATE", "true");
        env.put("ACCRUE_STRIPE_API_BASE", "http://" + HOST + ":" + stripePort);
        // usage-service's v2 meter events have their own base (meter-events.stripe.com in production)
        env.put("ACCRUE_STRIPE_METER_EVENTS_BASE", "http://" + HOST + ":" + stripePort);
        env.put("STRIPE_API_KEY", STRIPE_API_KEY);
        // secrets have no default outside %dev/%test: the stack names every one
        env.put("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET);
        env.put("ACCRUE_CONSOLE_CLIENT_SECRET", "local-console-secret");
        // the seller on invoice documents: demo values, so a local invoice shows what a real one must carry
        env.put("ACCRUE_INVOICE_ISSUER_NAME", "Accrue Local Demo Ltd");
        env.put("ACCRUE_INVOICE_ISSUER_ADDRESS", "1 Example Street, London EC1A 1AA, GB");
        env.put("ACCRUE_INVOICE_ISSUER_TAX_ID", "GB 000 0000 00");
        if ("subscription-service".equals(spec.name())) {
            // mails to billing contacts go to the stack's SMTP server, checked every second (docs/mail.md)
            env.put("ACCRUE_MAIL_FROM", "billing@accrue.localhost");
            env.put("ACCRUE_SMTP_HOST", HOST);
            env.put("ACCRUE_SMTP_PORT", Integer.toString(smtpPort));
            env.put("ACCRUE_SMTP_START_TLS", "DISABLED");
            env.put("ACCRUE_MAIL_SEND_EVERY", "1s");
        }
        if (kafka != null && "usage-service".equals(spec.name())) {
            env.put("ACCRUE_USAGE_INGEST_MODE", "kafka");
            env.put("ACCRUE_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        }
        for (ServiceSpec other : SERVICES) {
            String key = "ACCRUE_" + other.name().replace("-service", "").toUpperCase() + "_URL";
            env.put(key, serviceUrl(other.name()));
        }
        return env;
    }

    /** Two organisations so that tenancy can be tried at once: acme (USD) and globex (EUR). */
    private void provisionDemoOrganisations() throws Exception {
        String operator = passwordToken("operator", "operator");
        HttpClient http = HttpClient.newHttpClient();
        for (String[] org : new String[][]{{"acme", "Acme AI", "USD"}, {"globex", "Globex Labs", "EUR"}}) {
            String body = "{\"orgId\":\"%s\",\"name\":\"%s\",\"currency\":\"%s\",\"timeZone\":\"UTC\"}"
                    .formatted(org[0], org[1], org[2]);
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(serviceUrl("subscription-service") + "/v1/accounts"))
                            .header("Authorization", "Bearer " + operator)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2 && response.statusCode() != 409) {
                log("could not provision demo organisation " + org[0] + ": " + response.statusCode() + " "
                        + response.body());
                continue;
            }
            // the bill-to of its invoice documents (legal name, address, tax id), as a billing admin would set it
            String details = "{\"legalName\":\"%s\",\"address\":{\"line1\":\"%s\",\"city\":\"%s\","
                    + "\"postalCode\":\"%s\",\"country\":\"%s\"},\"taxId\":\"%s\"}";
            details = org[0].equals("acme")
                    ? details.formatted("Acme AI Inc.", "100 Market Street", "San Francisco", "94105", "US",
                            "US 12-3456789")
                    : details.formatted("Globex Labs GmbH", "Torstrasse 1", "Berlin", "10119", "DE", "DE 123456789");
            HttpResponse<String> billTo = http.send(
                    HttpRequest.newBuilder(URI.create(serviceUrl("subscription-service") + "/v1/accounts/" + org[0]
                            + "/billing-details")).header("Authorization", "Bearer " + operator)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(details)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (billTo.statusCode() / 100 != 2) {
                log("could not set the billing details of " + org[0] + ": " + billTo.statusCode() + " "
                        + billTo.body());
            }
        }
    }

    private void printBanner(Duration took) {
        String token = tokenEndpoint();
        StringBuilder out = new StringBuilder();
        out.append("\n=== Accrue local stack is up (").append(took.toSeconds()).append(" s) ===\n\n");
        for (ServiceSpec spec : SERVICES) {
            if (java.nio.file.Files.isDirectory(root.resolve(spec.name()))) {
                out.append(String.format("  %-22s %s%n", spec.name(), serviceUrl(spec.name())));
            }
        }
        out.append(String.format("  %-22s %s%n", useKeycloak ? "Keycloak issuer" : "OIDC issuer", oidcIssuer()));
        if (useKeycloak) {
            out.append(String.format("  %-22s %s%n", "Keycloak admin",
                    "http://" + HOST + ":" + oidcPort + "/admin (admin/admin)"));
        }
        out.append(String.format("  %-22s %s%n", "Stripe stand-in", "http://127.0.0.1:" + stripePort));
        out.append(String.format("  %-22s %s%n", "SMTP server", HOST + ":" + smtpPort + " (mails to billing contacts;"
                + " read them over IMAP at " + HOST + ":" + imapPort + ", user and password the recipient's address)"));
        if (kafka != null) {
            out.append(String.format("  %-22s %s%n", "Kafka (usage log)", kafka.bootstrapServers()
                    + " (usage-service in ingestion mode kafka: events answer \"queued\")"));
        }
        out.append(String.format("  %-22s %s%n", "PostgreSQL", "127.0.0.1:" + postgresPort + " (user postgres)"));
        out.append(String.format("  %-22s %s%n", "logs", home.resolve("logs")));
        out.append("\n  Each service: /q/health/ready  /q/metrics  /q/openapi  /q/swagger-ui\n");
        out.append("\n  Demo users (password grant, client accrue-cli):\n");
        out.append("    operator/operator (platform-operator)\n");
        out.append("    alice@acme/alice (owner)  bob@acme/bob (billing-admin)  carol@acme/carol (member)\n");
        out.append("    erin@globex/erin (owner)  dave@globex/dave (billing-admin)\n");
        out.append("  Machine clients (client credentials): acme-gateway-live/acme-live-secret,\n");
        out.append(
                "    acme-gateway-test/acme-test-secret (usage-reporter), accrue-billing-service/local-billing-service-secret\n");
        out.append("\n  Get a token and call a service:\n");
        String env = portOffset == 0 ? "" : "ACCRUE_PORT_OFFSET=" + portOffset + " ";
        out.append("    TOKEN=$(").append(env).append("bin/token bob@acme)\n");
        out.append("    curl -H \"Authorization: Bearer $TOKEN\" ").append(serviceUrl("subscription-service"))
                .append("/v1/accounts/acme\n");
        out.append("  or with curl alone:\n");
        out.append(
                "    curl -s -d grant_type=password -d client_id=accrue-cli -d username=bob@acme -d password=bob \\\n");
        out.append("      ").append(token).append("\n");
        out.append("\n  Then the whole billing loop: ").append(env).append("bin/demo  (docs/quickstart.md)\n");
        out.append("\n  Press Ctrl-C to stop everything.\n");
        System.out.println(out);
    }

    /** Base URL of a service of this stack, e.g. {@code serviceUrl("usage-service")}. */
    public String serviceUrl(String name) {
        return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst()
                .map(s -> "http://" + HOST + ":" + (s.port() + portOffset))
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    /** The stack's SMTP server, to read what subscription-service mailed; null before {@link #start}. */
    public LocalMailServer mailServer() {
        return mail;
    }

    public String stripeUrl() {
        return "http://" + HOST + ":" + stripePort;
    }

    /** The signing secret of the services' Stripe webhook endpoints, to sign events as Stripe would. */
    public String stripeWebhookSecret() {
        return STRIPE_WEBHOOK_SECRET;
    }

    public String oidcIssuer() {
        return keycloak != null ? keycloak.issuer() : oidc.issuer();
    }

    public String tokenEndpoint() {
        return keycloak != null ? keycloak.tokenEndpoint() : oidc.tokenEndpoint();
    }

    /**
     * A token signed by this stack's local OIDC provider, exactly as its token endpoint would issue it, for any
     * subject, roles and organisation. A stack running Keycloak has only the realm's identities: use
     * {@link #passwordToken} or {@link #clientToken}.
     */
    public String token(String subject, List<String> roles, String orgId, String environment) {
        if (oidc == null) {
            throw new IllegalStateException("this stack runs Keycloak: tokens come from its token endpoint"
                    + " (passwordToken / clientToken)");
        }
        return oidc.sign("accrue-cli", subject, roles, orgId, environment);
    }

    /** An access token of a realm user from the token endpoint (password grant of the public client accrue-cli). */
    public String passwordToken(String username, String password) {
        return fetchToken("grant_type=password&client_id=accrue-cli&username=" + form(username) + "&password="
                + form(password));
    }

    /** An access token of a machine client from the token endpoint (client-credentials grant). */
    public String clientToken(String clientId, String secret) {
        return fetchToken("grant_type=client_credentials&client_id=" + form(clientId) + "&client_secret="
                + form(secret));
    }

    private String fetchToken(String body) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": "
                        + response.body());
            }
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("access_token")
                    .asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Stops one service, as an outage of that neighbour (tests of faults between billing closes); its data stays.
     */
    public void stopService(String name) {
        service(name).close();
    }

    /**
     * Kills one service at once, as a crash (SIGKILL, no graceful shutdown): what it was doing stops mid-way. Its data
     * stays; {@link #startService} brings it back.
     */
    public void killService(String name) {
        service(name).kill();
    }

    /**
     * Starts a service stopped by {@link #stopService} or killed by {@link #killService} again and waits until it is ready. Its test clock starts
     * from the system time again: a test that moved the clocks must set this one again.
     */
    public void startService(String name) throws Exception {
        ServiceProcess service = service(name);
        service.start(environments.get(name));
        service.awaitReady(Instant.now().plus(Duration.ofSeconds(Long.getLong("accrue.ready-timeout", 180))));
    }

    private ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + " in this stack");
        }
        return service;
    }

    public void stop() {
        stopping = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e.getMessage());
            }
        }
        started.clear();
    }

    private static void log(String message) {
        System.out.println("[local-stack] " + message);
    }

}
