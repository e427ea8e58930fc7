package io.accrue.deploy.kustomize;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Strategic merge patch, restricted to what the manifests need: maps merge recursively, a null value deletes a
 * key, and the lists Kubernetes declares with a merge key (containers and env by name, volumeMounts by mountPath,
 * container ports by containerPort, Service ports by port, ...) merge item by item; every other list is
 * replaced. Patch directives ({@code $patch}, {@code $setElementOrder}, ...) are refused.
 */
public final class StrategicMerge {

    private StrategicMerge() {
    }

    public static void apply(Map<String, Object> target, Map<String, Object> patch) {
        mergeMap(target, patch, "", Tree.str(target, "kind"));
    }

    @SuppressWarnings("unchecked")
    private static void mergeMap(Map<String, Object> target, Map<String, Object> patch, String path, String kind) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            if (key.startsWith("$")) {
                throw new KustomizeException("strategic merge directive not supported by this subset: " + key);
            }
            Object value = entry.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            Object existing = target.get(key);
            if (value == null) {
                target.remove(key);
            } else if (existing instanceof Map && value instanceof Map) {
                mergeMap((Map<String, Object>) existing, (Map<String, Object>) value, childPath, kind);
            } else if (existing instanceof List && value instanceof List && mergeKey(childPath, kind) != null) {
                mergeList((List<Object>) existing, (List<Object>) value, mergeKey(childPath, kind), childPath, kind);
            } else {
                target.put(key, Tree.copy(value));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void mergeList(List<Object> target, List<Object> patch, String mergeKey, String path, String kind) {
        for (Object item : patch) {
            if (!(item instanceof Map<?, ?> patchItem) || patchItem.get(mergeKey) == null) {
                throw new KustomizeException("list item at " + path + " needs its merge key " + mergeKey);
            }
            Object key = patchItem.get(mergeKey);
            Map<String, Object> match = null;
            for (Object candidate : target) {
                if (candidate instanceof Map<?, ?> m
                        && Objects.equals(String.valueOf(m.get(mergeKey)), String.valueOf(key))) {
                    match = (Map<String, Object>) m;
                }
            }
            if (match == null) {
                target.add(Tree.copy(item));
            } else {
                mergeMap(match, (Map<String, Object>) patchItem, path + "[]", kind);
            }
        }
    }

    /** The patch merge key Kubernetes declares for a list, or null for a list that a patch replaces. */
    static String mergeKey(String path, String kind) {
        String field = path.substring(path.lastIndexOf('.') + 1);
        return switch (field) {
            case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets" -> "name";
            case "volumeMounts" -> "mountPath";
            case "ports" -> {
                if (path.endsWith("containers[].ports") || path.endsWith("initContainers[].ports")) {
                    yield "containerPort";
                }
                yield "Service".equals(kind) && path.equals("spec.ports") ? "port" : null;
            }
            default -> null;
        };
    }
}
