package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;
import io.accrue.deploy.manifests.Manifests.PodTemplate;
import io.accrue.deploy.manifests.NetworkPolicies.Peer;

/** Builds every overlay of deploy/k8s and checks what a platform team relies on when applying it. */
class OverlayManifestTest {

    private static final Map<String, Manifests> BUILT = new ConcurrentHashMap<>();
    private static final Map<String, Integer> PORTS = Map.of("subscription-service", 8081, "usage-service", 8082,
            "invoice-service", 8083, "contract-service", 8084);

    static List<String> overlays() throws IOException {
        return Manifests.overlays();
    }

    private static Manifests built(String overlay) {
        return BUILT.computeIfAbsent(overlay, Manifests::build);
    }

    @Test
    void theExpectedOverlaysExist() throws IOException {
        assertTrue(
                overlays().containsAll(List.of("local", "production", "production-cloudnative-pg", "production-kafka")),
                "overlays: " + overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everySuiteServiceHasDeploymentServiceConfigMapAndPdb(String overlay) {
        Manifests m = built(overlay);
        for (String service : Manifests.SERVICES) {
            m.get("Deployment", service);
            m.get("Service", service);
            m.get("ConfigMap", service + "-config");
            Map<String, Object> pdb = m.get("PodDisruptionBudget", service);
            assertTrue(selectsSomePod(m, Tree.str(pdb, "metadata", "namespace"), Tree.map(pdb, "spec", "selector")),
                    overlay + ": PDB " + service + " selects no pod");
        }
        m.get("ConfigMap", "accrue-suite");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyWorkloadHasProbesLimitsAndARestrictedSecurityContext(String overlay) {
        Manifests m = built(overlay);
        List<String> problems = new ArrayList<>();
        for (PodTemplate pod : m.podTemplates()) {
            Map<String, Object> podSecurity = pod.podSecurity();
            for (Map<String, Object> c : pod.containers()) {
                String where = overlay + ": " + pod + " container " + Tree.str(c, "name");
                if (!"CronJob".equals(pod.kind()) && !"Job".equals(pod.kind())) {
                    for (String probe : List.of("livenessProbe", "readinessProbe")) {
                        String port = Tree.str(c, probe, "httpGet", "port");
                        if (Tree.str(c, probe, "httpGet", "path") == null || !containerHasPort(c, port)) {
                            problems.add(where + ": " + probe + " missing or pointing at no container port");
                        }
                    }
                }
                for (String bound : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        if (Tree.str(c, "resources", bound, resource) == null) {
                            problems.add(where + ": no " + bound + "." + resource);
                        }
                    }
                }
                Object runAsNonRoot = Tree.get(c, "securityContext", "runAsNonRoot") != null
                        ? Tree.get(c, "securityContext", "runAsNonRoot")
                        : podSecurity.get("runAsNonRoot");
                if (!Boolean.TRUE.equals(runAsNonRoot)) {
                    problems.add(where + ": runAsNonRoot is not true");
                }
                if (!Boolean.TRUE.equals(Tree.get(c, "securityContext", "readOnlyRootFilesystem"))) {
                    problems.add(where + ": readOnlyRootFilesystem is not true");
                }
                if (!Boolean.FALSE.equals(Tree.get(c, "securityContext", "allowPrivilegeEscalation"))) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (!Tree.list(c, "securityContext", "capabilities", "drop").contains("ALL")
                        || !Tree.list(c, "securityContext", "capabilities", "add").isEmpty()) {
                    problems.add(where + ": capabilities do not drop ALL (or add some)");
                }
                if (Boolean.TRUE.equals(Tree.get(c, "securityContext", "privileged"))) {
                    problems.add(where + ": privileged");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void suiteServicesProbeQuarkusHealthAndAreSizedForNative(String overlay) {
        Manifests m = built(overlay);
        for (String service : Manifests.SERVICES) {
            Map<String, Object> c = Tree.maps(m.get("Deployment", service), "spec", "template", "spec", "containers")
                    .get(0);
            assertEquals("/q/health/live", Tree.str(c, "livenessProbe", "httpGet", "path"), service);
            assertEquals("/q/health/ready", Tree.str(c, "readinessProbe", "httpGet", "path"), service);
            assertEquals(String.valueOf(PORTS.get(service)), Tree.str(Tree.maps(c, "ports").get(0), "containerPort"));
            BigDecimal request = bytes(Tree.str(c, "resources", "requests", "memory"));
            BigDecimal limit = bytes(Tree.str(c, "resources", "limits", "memory"));
            assertTrue(request.compareTo(limit) <= 0, service + ": memory request above limit");
            // a native executable needs tens of MiB; a JVM-sized limit here means someone sized for the wrong image
            assertTrue(limit.compareTo(bytes("512Mi")) <= 0, service + ": memory limit " + limit + " > 512Mi");
            assertTrue(millicores(Tree.str(c, "resources", "requests", "cpu"))
                    .compareTo(millicores(Tree.str(c, "resources", "limits", "cpu"))) <= 0, service + ": cpu");
            assertEquals(Boolean.FALSE, Tree.get(m.get("Deployment", service), "spec", "template", "spec",
                    "automountServiceAccountToken"), service + " mounts a service account token it never uses");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceSelectsPodsThatExistOnPortsTheyExpose(String overlay) {
        Manifests m = built(overlay);
        for (Map<String, Object> service : m.ofKind("Service")) {
            String name = Tree.str(service, "metadata", "name");
            Map<String, Object> selector = Tree.map(service, "spec", "selector");
            assertFalse(selector.isEmpty(), overlay + ": Service " + name + " has no selector");
            List<PodTemplate> pods = m.podTemplates().stream()
                    .filter(p -> p.namespace() != null
                            && p.namespace().equals(Tree.str(service, "metadata", "namespace")))
                    .filter(p -> p.labels().entrySet().containsAll(stringMap(selector).entrySet()))
                    .toList();
            assertFalse(pods.isEmpty(), overlay + ": Service " + name + " selects no pod: " + selector);
            for (Map<String, Object> port : Tree.maps(service, "spec", "ports")) {
                String target = Tree.str(port, "targetPort") != null
                        ? Tree.str(port, "targetPort")
                        : Tree.str(port, "port");
                for (PodTemplate pod : pods) {
                    assertTrue(pod.containers().stream().anyMatch(c -> containerHasPort(c, target)),
                            overlay + ": Service " + name + " targets port " + target + " that " + pod + " lacks");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyIngressBackendAndPortExistAndTheFourAreasAreRouted(String overlay) {
        Manifests m = built(overlay);
        Map<String, String> routed = new HashMap<>();
        assertFalse(m.ofKind("Ingress").isEmpty(), overlay + ": no Ingress");
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {
            for (Map<String, Object> rule : Tree.maps(ingress, "spec", "rules")) {
                assertNotNull(Tree.str(rule, "host"), overlay + ": Ingress rule without host");
                for (Map<String, Object> path : Tree.maps(rule, "http", "paths")) {
                    String serviceName = Tree.str(path, "backend", "service", "name");
                    Map<String, Object> service = m.find("Service", String.valueOf(serviceName))
                            .orElseThrow(() -> new AssertionError(overlay + ": Ingress backend " + serviceName
                                    + " is no Service"));
                    assertEquals(Tree.str(ingress, "metadata", "namespace"),
                            Tree.str(service, "metadata", "namespace"));
                    String portName = Tree.str(path, "backend", "service", "port", "name");
                    String portNumber = Tree.str(path, "backend", "service", "port", "number");
                    assertTrue(Tree.maps(service, "spec", "ports").stream()
                            .anyMatch(p -> (portName != null && portName.equals(Tree.str(p, "name")))
                                    || (portNumber != null && portNumber.equals(Tree.str(p, "port")))),
                            overlay + ": Ingress backend port " + portName + "/" + portNumber + " not on "
                                    + serviceName);
                    routed.put(Tree.str(path, "path"), serviceName);
                }
            }
        }
        Map<String, String> expected = Map.of("/api/subscriptions", "subscription-service", "/api/usage",
                "usage-service", "/api/invoices", "invoice-service", "/api/contracts", "contract-service");
        expected.forEach((prefix, service) -> assertTrue(
                routed.entrySet().stream()
                        .anyMatch(e -> e.getKey().startsWith(prefix + "/") && e.getValue().equals(service)),
                overlay + ": " + prefix + " is not routed to " + service + ": " + routed));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theCronJobPostsABillingRunToInvoiceServiceWithAClientCredentialsToken(String overlay) {
        Manifests m = built(overlay);
        Map<String, Object> cronJob = m.get("CronJob", "period-close");
        assertEquals("Forbid", Tree.str(cronJob, "spec", "concurrencyPolicy"));
        assertTrue(Integer.parseInt(Tree.str(cronJob, "spec", "jobTemplate", "spec", "backoffLimit")) >= 1,
                "a failed trigger is retried");
        Map<String, Object> container = Tree.maps(cronJob, "spec", "jobTemplate", "spec", "template", "spec",
                "containers").get(0);
        String script = String.join(" ", Tree.list(container, "command").stream().map(String::valueOf).toList());
        assertTrue(script.contains("-X POST"), script);
        assertTrue(script.contains("\"$INVOICE_URL/v1/billing-runs\""), script);
        assertTrue(script.contains("grant_type=client_credentials") && script.contains("\"$TOKEN_URL\""), script);
        assertTrue(script.contains("Authorization: Bearer $token"), script);

        Map<String, String> env = resolveEnv(m, container);
        URI invoiceUrl = URI.create(env.get("INVOICE_URL"));
        Map<String, Object> service = m.get("Service", invoiceUrl.getHost());
        assertTrue(Tree.maps(service, "spec", "ports").stream()
                .anyMatch(p -> String.valueOf(invoiceUrl.getPort()).equals(Tree.str(p, "port"))),
                "INVOICE_URL port " + invoiceUrl.getPort() + " is not a port of Service " + invoiceUrl.getHost());
        assertTrue(m.podTemplates().stream().filter(p -> p.name().equals("invoice-service"))
                .allMatch(p -> p.labels().entrySet()
                        .containsAll(stringMap(Tree.map(service, "spec", "selector")).entrySet())),
                "INVOICE_URL's Service does not select invoice-service's pods");
        assertTrue(env.get("TOKEN_URL").endsWith("/protocol/openid-connect/token"), env.get("TOKEN_URL"));
        assertEquals(
                m.get("ConfigMap", "accrue-suite").get("data") instanceof Map<?, ?> d
                        ? d.get("ACCRUE_SERVICE_TOKEN_URL")
                        : null,
                env.get("TOKEN_URL"), "the CronJob gets its token where the services get theirs");
        assertEquals("secret:accrue-period-close-client/client-id", env.get("CLIENT_ID"));
        assertEquals("secret:accrue-period-close-client/client-secret", env.get("CLIENT_SECRET"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyConfigMapAndSecretReferenceResolves(String overlay) {
        Manifests m = built(overlay);
        Map<String, Map<String, Object>> secrets = availableSecrets(m);
        List<String> problems = new ArrayList<>();
        for (PodTemplate pod : m.podTemplates()) {
            for (Map<String, Object> c : pod.containers()) {
                for (Map<String, Object> from : Tree.maps(c, "envFrom")) {
                    String cm = Tree.str(from, "configMapRef", "name");
                    if (cm != null && m.find("ConfigMap", cm).isEmpty()) {
                        problems.add(pod + ": envFrom ConfigMap " + cm + " does not exist");
                    }
                }
                for (Map<String, Object> e : Tree.maps(c, "env")) {
                    String cm = Tree.str(e, "valueFrom", "configMapKeyRef", "name");
                    if (cm != null && m.find("ConfigMap", cm)
                            .map(x -> !Tree.map(x, "data")
                                    .containsKey(Tree.str(e, "valueFrom", "configMapKeyRef", "key")))
                            .orElse(true)) {
                        problems.add(pod + ": " + Tree.str(e, "name") + " refers to a missing ConfigMap key");
                    }
                    String secret = Tree.str(e, "valueFrom", "secretKeyRef", "name");
                    String key = Tree.str(e, "valueFrom", "secretKeyRef", "key");
                    // an optional reference (e.g. SMTP credentials for a server that needs none) may be absent:
                    // Kubernetes then leaves the variable unset
                    boolean optional = Boolean.TRUE.equals(Tree.get(e, "valueFrom", "secretKeyRef", "optional"));
                    if (secret != null && !optional
                            && (!secrets.containsKey(secret) || !secrets.get(secret).containsKey(key))) {
                        problems.add(pod + ": " + Tree.str(e, "name") + " refers to Secret " + secret + "/" + key
                                + " that neither deploy/k8s/secrets nor an operator in this overlay provides");
                    }
                }
            }
            for (Map<String, Object> volume : Tree.maps(pod.template(), "spec", "volumes")) {
                String cm = Tree.str(volume, "configMap", "name");
                if (cm != null && m.find("ConfigMap", cm).isEmpty()) {
                    problems.add(pod + ": volume ConfigMap " + cm + " does not exist");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void hpasScaleUsageAndInvoiceServiceAndOwnTheirReplicas(String overlay) {
        Manifests m = built(overlay);
        for (String service : List.of("usage-service", "invoice-service")) {
            Map<String, Object> hpa = m.get("HorizontalPodAutoscaler", service);
            assertEquals("Deployment", Tree.str(hpa, "spec", "scaleTargetRef", "kind"));
            m.get("Deployment", Tree.str(hpa, "spec", "scaleTargetRef", "name"));
            int min = Integer.parseInt(Tree.str(hpa, "spec", "minReplicas"));
            int max = Integer.parseInt(Tree.str(hpa, "spec", "maxReplicas"));
            assertTrue(min >= 1 && min < max, overlay + ": " + service + " HPA " + min + ".." + max);
            assertEquals(null, Tree.get(m.get("Deployment", service), "spec", "replicas"),
                    overlay + ": " + service + " sets replicas, which fights its HPA on every apply");
        }
        for (Map<String, Object> hpa : m.ofKind("HorizontalPodAutoscaler")) {
            m.get(Tree.str(hpa, "spec", "scaleTargetRef", "kind"), Tree.str(hpa, "spec", "scaleTargetRef", "name"));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesDenyByDefaultAndAllowOnlyTheSuitesPaths(String overlay) {
        Manifests m = built(overlay);
        NetworkPolicies policies = new NetworkPolicies(m.ofKind("NetworkPolicy"));
        Map<String, Object> deny = m.get("NetworkPolicy", "default-deny-all");
        assertTrue(Tree.map(deny, "spec", "podSelector").isEmpty());
        assertEquals(List.of("Ingress", "Egress"), Tree.list(deny, "spec", "policyTypes"));

        Map<String, Peer> pods = new HashMap<>();
        for (PodTemplate pod : m.podTemplates()) {
            pods.put(pod.name(), Peer.pod(pod.namespace(), pod.labels()));
        }
        Peer ingressController = new Peer("ingress-nginx", Map.of("kubernetes.io/metadata.name", "ingress-nginx"),
                Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Peer otherTenant = new Peer("someone-else", Map.of("kubernetes.io/metadata.name", "someone-else"),
                Map.of("app", "curious"));
        Peer dns = new Peer("kube-system", Map.of("kubernetes.io/metadata.name", "kube-system"),
                Map.of("k8s-app", "kube-dns"));
        Peer outside = Peer.external();

        Set<String> allowed = new HashSet<>(
                Set.of("invoice-service>subscription-service", "invoice-service>usage-service",
                        "invoice-service>contract-service", "usage-service>subscription-service",
                        "subscription-service>usage-service", "subscription-service>invoice-service",
                        "period-close>invoice-service"));
        List<String> problems = new ArrayList<>();
        for (String from : List.of("subscription-service", "usage-service", "invoice-service", "contract-service",
                "period-close")) {
            for (String to : Manifests.SERVICES) {
                boolean expected = allowed.contains(from + ">" + to);
                if (policies.allows(pods.get(from), pods.get(to), "TCP", PORTS.get(to)) != expected) {
                    problems.add(from + " -> " + to + " should be " + (expected ? "allowed" : "denied"));
                }
            }
            if (!policies.allows(pods.get(from), dns, "UDP", 53)) {
                problems.add(from + " cannot resolve names");
            }
            if (!policies.allows(pods.get(from), outside, "TCP", 443)) {
                problems.add(from + " cannot reach HTTPS (OIDC, Stripe)");
            }
            if (policies.allows(pods.get(from), outside, "TCP", 25)) {
                problems.add(from + " may reach any port outside");
            }
        }
        for (String service : Manifests.SERVICES) {
            if (!policies.allows(pods.get(service), outside, "TCP", 5432)) {
                problems.add(service + " cannot reach PostgreSQL");
            }
            if (!policies.allows(ingressController, pods.get(service), "TCP", PORTS.get(service))) {
                problems.add("the ingress controller cannot reach " + service);
            }
            if (policies.allows(otherTenant, pods.get(service), "TCP", PORTS.get(service))) {
                problems.add("another namespace reaches " + service);
            }
        }
        if (policies.allows(pods.get("period-close"), outside, "TCP", 5432)) {
            problems.add("the CronJob may reach databases");
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void inClusterDatabasesAndIdentityProviderAreReachableOnlyFromTheSuite(String overlay) {
        Manifests m = built(overlay);
        NetworkPolicies policies = new NetworkPolicies(m.ofKind("NetworkPolicy"));
        Map<String, Peer> pods = new HashMap<>();
        for (PodTemplate pod : m.podTemplates()) {
            pods.put(pod.name(), Peer.pod(pod.namespace(), pod.labels()));
        }
        Peer otherTenant = new Peer("someone-else", Map.of("kubernetes.io/metadata.name", "someone-else"),
                Map.of("app", "curious"));
        for (Map<String, Object> cluster : m.ofKind("Cluster")) {
            // CloudNativePG labels its instance pods with the cluster's name
            Peer instance = Peer.pod("accrue", Map.of("cnpg.io/cluster", Tree.str(cluster, "metadata", "name")));
            for (String service : Manifests.SERVICES) {
                assertTrue(policies.allows(pods.get(service), instance, "TCP", 5432), service + " -> " + instance);
            }
            assertFalse(policies.allows(pods.get("period-close"), instance, "TCP", 5432));
            assertFalse(policies.allows(otherTenant, instance, "TCP", 5432));
            Peer operator = new Peer("cnpg-system", Map.of("kubernetes.io/metadata.name", "cnpg-system"),
                    Map.of("app.kubernetes.io/name", "cloudnative-pg"));
            assertTrue(policies.allows(operator, instance, "TCP", 8000), "the operator reaches the instance manager");
            assertTrue(policies.allows(instance, Peer.external(), "TCP", 443), "instances reach the Kubernetes API");
        }
        if (pods.containsKey("keycloak")) {
            for (String client : List.of("subscription-service", "usage-service", "invoice-service",
                    "contract-service", "period-close")) {
                assertTrue(policies.allows(pods.get(client), pods.get("keycloak"), "TCP", 8080),
                        client + " -> keycloak");
            }
            assertFalse(policies.allows(otherTenant, pods.get("keycloak"), "TCP", 8080));
            assertFalse(policies.allows(pods.get("keycloak"), pods.get("invoice-service"), "TCP", 8083));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void productionSafeSettings(String overlay) {
        Manifests m = built(overlay);
        for (String service : Manifests.SERVICES) {
            assertEquals("false", Tree.str(m.get("ConfigMap", service + "-config"), "data", "ACCRUE_CLOCK_ADJUSTABLE"),
                    overlay + ": " + service + " has an adjustable clock");
        }
        for (PodTemplate pod : m.podTemplates()) {
            for (Map<String, Object> c : pod.containers()) {
                String image = Tree.str(c, "image");
                String afterSlash = image.substring(image.lastIndexOf('/') + 1);
                assertTrue(afterSlash.contains(":") || image.contains("@"), overlay + ": untagged image " + image);
                assertFalse(image.endsWith(":latest"), overlay + ": " + pod + " runs " + image);
            }
        }
        for (Map<String, Object> r : m.resources()) {
            if (!"Namespace".equals(Tree.str(r, "kind"))) {
                assertEquals("accrue", Tree.str(r, "metadata", "namespace"), overlay + ": " + Kustomize.id(r));
            }
        }
        assertTrue(m.ofKind("Secret").isEmpty(),
                overlay + ": overlays carry no Secret (templates live in deploy/k8s/secrets, values out of git)");
    }

    @Test
    void productionUsesRegistryImagesTlsAndRestrictedPodSecurity() {
        Manifests m = built("production");
        for (String service : Manifests.SERVICES) {
            String image = Tree.str(Tree.maps(m.get("Deployment", service), "spec", "template", "spec", "containers")
                    .get(0), "image");
            assertEquals("registry.example.com/accrue/" + service + ":0.1.0-native", image);
        }
        Map<String, Object> ingress = m.get("Ingress", "accrue");
        Map<String, Object> tls = Tree.maps(ingress, "spec", "tls").get(0);
        assertEquals(List.of("billing.example.com"), Tree.list(tls, "hosts"));
        assertEquals("accrue-tls", Tree.str(tls, "secretName"));
        assertEquals("billing.example.com", Tree.str(Tree.maps(ingress, "spec", "rules").get(0), "host"));
        assertEquals("restricted",
                Tree.str(m.get("Namespace", "accrue"), "metadata", "labels", "pod-security.kubernetes.io/enforce"));
        assertTrue(String.valueOf(Tree.str(m.get("ConfigMap", "accrue-suite"), "data", "ACCRUE_OIDC_URL"))
                .startsWith("https://"));
    }

    @Test
    void cloudNativePgOverlayGivesEachServiceItsOwnCluster() {
        Manifests m = built("production-cloudnative-pg");
        for (String service : Manifests.SERVICES) {
            String database = service.substring(0, service.indexOf('-'));
            Map<String, Object> cluster = m.get("Cluster", database + "-db");
            assertEquals(database, Tree.str(cluster, "spec", "bootstrap", "initdb", "database"));
            Map<String, String> env = resolveEnv(m, Tree.maps(m.get("Deployment", service), "spec", "template", "spec",
                    "containers").get(0));
            assertEquals("secret:" + database + "-db-app/jdbc-uri", env.get("ACCRUE_DB_URL"), service);
            assertEquals("secret:" + database + "-db-app/password", env.get("ACCRUE_DB_PASSWORD"), service);
        }
        // the plain production overlay keeps the external database
        Map<String, String> env = resolveEnv(built("production"), Tree.maps(built("production")
                .get("Deployment", "invoice-service"), "spec", "template", "spec", "containers").get(0));
        assertEquals("secret:invoice-service-db/jdbc-url", env.get("ACCRUE_DB_URL"));
    }

    @Test
    void kafkaOverlayDeclaresTheUsageLogAndPointsUsageServiceAtIt() {
        Manifests m = built("production-kafka");
        Map<String, Object> kafka = m.get("Kafka", "accrue-kafka");
        assertEquals("enabled", Tree.str(kafka, "metadata", "annotations", "strimzi.io/kraft"));
        Map<String, Object> pool = m.ofKind("KafkaNodePool").get(0);
        assertEquals("accrue-kafka", Tree.str(pool, "metadata", "labels", "strimzi.io/cluster"));
        int nodes = Integer.parseInt(Tree.str(pool, "spec", "replicas"));
        int minIsr = Integer.parseInt(Tree.str(kafka, "spec", "kafka", "config", "min.insync.replicas"));
        // acks=all survives one node down only when fewer replicas must acknowledge than there are nodes
        assertTrue(minIsr >= 2 && minIsr < nodes, "min.insync.replicas " + minIsr + " of " + nodes + " nodes");

        Map<String, String> config = stringMap(Tree.map(m.get("ConfigMap", "usage-service-config"), "data"));
        Map<String, Object> topic = m.get("KafkaTopic", "accrue.usage-events");
        assertEquals("accrue-kafka", Tree.str(topic, "metadata", "labels", "strimzi.io/cluster"));
        assertEquals("kafka", config.get("ACCRUE_USAGE_INGEST_MODE"));
        // the Service Strimzi creates for a Kafka named accrue-kafka, on its internal listener
        String listenerPort = Tree.str(Tree.maps(kafka, "spec", "kafka", "listeners").get(0), "port");
        assertEquals("accrue-kafka-kafka-bootstrap:" + listenerPort, config.get("ACCRUE_KAFKA_BOOTSTRAP_SERVERS"));
        // whoever creates the topic first (topic operator or service) creates the same one
        assertEquals(Tree.str(topic, "spec", "partitions"), config.get("ACCRUE_USAGE_INGEST_KAFKA_PARTITIONS"));
        assertEquals(Tree.str(topic, "spec", "replicas"), config.get("ACCRUE_USAGE_INGEST_KAFKA_REPLICATION_FACTOR"));
        assertTrue(Integer.parseInt(Tree.str(topic, "spec", "replicas")) <= nodes);

        NetworkPolicies policies = new NetworkPolicies(m.ofKind("NetworkPolicy"));
        Map<String, Peer> pods = new HashMap<>();
        for (PodTemplate pod : m.podTemplates()) {
            pods.put(pod.name(), Peer.pod(pod.namespace(), pod.labels()));
        }
        // the labels Strimzi puts on the node pods and on the entity operator
        Peer node = Peer.pod("accrue", Map.of("strimzi.io/cluster", "accrue-kafka", "strimzi.io/kind", "Kafka",
                "strimzi.io/pool-name", "usage-log"));
        Peer entityOperator = Peer.pod("accrue", Map.of("strimzi.io/cluster", "accrue-kafka", "strimzi.io/kind",
                "entity-operator"));
        Peer operator = new Peer("strimzi", Map.of("kubernetes.io/metadata.name", "strimzi"),
                Map.of("name", "strimzi-cluster-operator"));
        Peer otherTenant = new Peer("someone-else", Map.of("kubernetes.io/metadata.name", "someone-else"),
                Map.of("app", "curious"));
        int port = Integer.parseInt(listenerPort);
        List<String> problems = new ArrayList<>();
        for (String from : List.of("subscription-service", "usage-service", "invoice-service", "contract-service",
                "period-close")) {
            if (policies.allows(pods.get(from), node, "TCP", port) != "usage-service".equals(from)) {
                problems.add(from + " -> kafka:" + port + " should be "
                        + ("usage-service".equals(from) ? "allowed" : "denied"));
            }
        }
        for (int internal : List.of(9090, 9091)) {
            if (!policies.allows(node, node, "TCP", internal)) {
                problems.add("nodes cannot reach each other on " + internal);
            }
            if (!policies.allows(operator, node, "TCP", internal)) {
                problems.add("the cluster operator cannot reach the nodes on " + internal);
            }
            if (policies.allows(pods.get("usage-service"), node, "TCP", internal)) {
                problems.add("usage-service reaches the nodes' internal port " + internal);
            }
        }
        if (!policies.allows(entityOperator, node, "TCP", 9091)) {
            problems.add("the topic operator cannot reach the nodes");
        }
        if (!policies.allows(entityOperator, Peer.external(), "TCP", 443)) {
            problems.add("the topic operator cannot reach the Kubernetes API");
        }
        if (policies.allows(otherTenant, node, "TCP", port)) {
            problems.add("another namespace reaches the brokers");
        }
        if (policies.allows(node, Peer.external(), "TCP", 443)) {
            problems.add("the nodes may reach out of the cluster");
        }
        assertEquals(List.of(), problems);
        // the plain production overlay keeps ingestion direct
        assertEquals(null, Tree.str(built("production").get("ConfigMap", "usage-service-config"), "data",
                "ACCRUE_USAGE_INGEST_MODE"));
    }

    // ---- helpers

    /** Env values, with references rendered as secret:name/key and ConfigMap keys resolved to their value. */
    private static Map<String, String> resolveEnv(Manifests m, Map<String, Object> container) {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : Tree.maps(container, "env")) {
            String value = Tree.str(e, "value");
            if (Tree.get(e, "valueFrom", "secretKeyRef") != null) {
                value = "secret:" + Tree.str(e, "valueFrom", "secretKeyRef", "name") + "/"
                        + Tree.str(e, "valueFrom", "secretKeyRef", "key");
            } else if (Tree.get(e, "valueFrom", "configMapKeyRef") != null) {
                value = Tree.str(m.get("ConfigMap", Tree.str(e, "valueFrom", "configMapKeyRef", "name")), "data",
                        Tree.str(e, "valueFrom", "configMapKeyRef", "key"));
            }
            env.put(Tree.str(e, "name"), value);
        }
        return env;
    }

    /** Secrets the overlay may rely on: the templates, and what CloudNativePG generates for each Cluster. */
    static Map<String, Map<String, Object>> availableSecrets(Manifests m) {
        Map<String, Map<String, Object>> secrets = new HashMap<>();
        for (Map<String, Object> secret : Kustomize.build(Manifests.k8s().resolve("secrets"))) {
            Map<String, Object> keys = new HashMap<>(Tree.map(secret, "stringData"));
            keys.putAll(Tree.map(secret, "data"));
            secrets.put(Tree.str(secret, "metadata", "name"), keys);
        }
        for (Map<String, Object> cluster : m.ofKind("Cluster")) {
            Map<String, Object> keys = new HashMap<>();
            for (String key : List.of("username", "password", "host", "port", "dbname", "uri", "jdbc-uri", "pgpass")) {
                keys.put(key, "generated");
            }
            secrets.put(Tree.str(cluster, "metadata", "name") + "-app", keys);
        }
        return secrets;
    }

    private static boolean selectsSomePod(Manifests m, String namespace, Map<String, Object> selector) {
        return m.podTemplates().stream().anyMatch(
                p -> namespace.equals(p.namespace()) && NetworkPolicies.matches(selector, p.labels()));
    }

    private static boolean containerHasPort(Map<String, Object> container, String port) {
        return port != null && Tree.maps(container, "ports").stream()
                .anyMatch(p -> port.equals(Tree.str(p, "name")) || port.equals(Tree.str(p, "containerPort")));
    }

    private static Map<String, String> stringMap(Map<String, Object> map) {
        Map<String, String> result = new HashMap<>();
        map.forEach((k, v) -> result.put(k, String.valueOf(v)));
        return result;
    }

    static BigDecimal bytes(String quantity) {
        Map<String, Long> units = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "k", 1000L, "M", 1000_000L,
                "G", 1000_000_000L);
        for (Map.Entry<String, Long> unit : units.entrySet()) {
            if (quantity.endsWith(unit.getKey()) && Character.isDigit(
                    quantity.charAt(quantity.length() - unit.getKey().length() - 1))) {
                return new BigDecimal(quantity.substring(0, quantity.length() - unit.getKey().length()))
                        .multiply(BigDecimal.valueOf(unit.getValue()));
            }
        }
        return new BigDecimal(quantity);
    }

    static BigDecimal millicores(String quantity) {
        return quantity.endsWith("m")
                ? new BigDecimal(quantity.substring(0, quantity.length() - 1))
                : new BigDecimal(quantity).multiply(BigDecimal.valueOf(1000));
    }
}
