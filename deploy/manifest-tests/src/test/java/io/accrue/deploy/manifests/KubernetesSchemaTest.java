package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;

/**
 * Reads every built object into the typed Kubernetes API model (fabric8) and fails on any field the model does not
 * know: a misspelt field (readOnlyRootFileSystem, startingDeadlineSecond) that the API server would reject on
 * apply, or worse, that an older kubectl would drop silently. Custom resources (the CloudNativePG Cluster) are not
 * covered.
 */
class KubernetesSchemaTest {

    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("batch/v1/CronJob", io.fabric8.kubernetes.api.model.batch.v1.CronJob.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class));

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static List<String> targets() throws IOException {
        List<String> targets = new ArrayList<>();
        Manifests.overlays().forEach(o -> targets.add("overlays/" + o));
        targets.add("secrets");
        return targets;
    }

    @ParameterizedTest
    @MethodSource("targets")
    void everyFieldIsAFieldOfItsKind(String target) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : Kustomize.build(Manifests.k8s().resolve(target))) {
            String type = Tree.str(resource, "apiVersion") + "/" + Tree.str(resource, "kind");
            if (Tree.str(resource, "apiVersion").contains(".cnpg.io/")
                    || Tree.str(resource, "apiVersion").startsWith("kafka.strimzi.io/")) {
                continue; // custom resource: no model here
            }
            Class<?> model = KINDS.get(type);
            if (model == null) {
                problems.add(Kustomize.id(resource) + ": " + type + " is not a kind this test knows (add it)");
                continue;
            }
            try {
                unknownFields(MAPPER.convertValue(resource, model), Kustomize.id(resource), problems,
                        new IdentityHashMap<>());
            } catch (IllegalArgumentException wrongType) {
                problems.add(Kustomize.id(resource) + ": " + wrongType.getMessage());
            }
        }
        assertEquals(List.of(), problems, target);
    }

    /** fabric8 keeps fields it does not know in additionalProperties: any entry there is a field Kubernetes lacks. */
    private static void unknownFields(Object node, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (node == null || seen.put(node, true) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    Object value = field.get(node);
                    if (field.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                        extra.keySet().forEach(k -> problems.add(path + "." + k + " is not a Kubernetes field"));
                    } else {
                        unknownFields(value, path + "." + field.getName(), problems, seen);
                    }
                } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                    // a field of the model's internals, not of the manifest
                }
            }
        }
    }
}
