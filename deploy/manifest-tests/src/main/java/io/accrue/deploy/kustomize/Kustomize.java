package io.accrue.deploy.kustomize;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds a kustomization the way {@code kustomize build} does, for the subset of kustomize that deploy/k8s uses:
 * {@code resources} (files and directories), {@code components}, {@code patches} (strategic merge or JSON 6902,
 * from a file or inline, with or without a target), {@code namespace}, {@code labels} (metadata only),
 * {@code replicas} and {@code images}. A kustomization using any other field is refused, so a manifest change
 * that needs more of kustomize fails the tests instead of being built wrongly.
 *
 * <p>
 * Transformers run in kustomize's order: patches, namespace, labels, replicas, images; a component's run over
 * everything accumulated before it, then the including kustomization's own.
 */
public final class Kustomize {

    private static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "resources", "components",
            "patches", "namespace", "labels", "replicas", "images");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "IngressClass", "PriorityClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "ClusterIssuer");
    private static final Set<String> SCALABLE = Set.of("Deployment", "StatefulSet", "ReplicaSet",
            "ReplicationController");

    private Kustomize() {
    }

    /** The resources a kustomization directory produces. */
    public static List<Map<String, Object>> build(Path directory) {
        return build(directory, "Kustomization", new ArrayList<>());
    }

    private static List<Map<String, Object>> build(Path directory, String expectedKind,
            List<Map<String, Object>> accumulated) {
        Map<String, Object> kustomization = readKustomization(directory);
        String kind = Tree.str(kustomization, "kind");
        if (!expectedKind.equals(kind == null ? "Kustomization" : kind)) {
            throw new KustomizeException(directory + ": expected a " + expectedKind + ", found " + kind);
        }
        for (String field : kustomization.keySet()) {
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new KustomizeException(directory + ": field '" + field + "' is outside the supported subset");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>(accumulated);
        for (Object entry : Tree.list(kustomization, "resources")) {
            Path path = directory.resolve(String.valueOf(entry)).normalize();
            if (Files.isDirectory(path)) {
                addAll(resources, build(path, "Kustomization", new ArrayList<>()), path);
            } else {
                addAll(resources, loadAll(path), path);
            }
        }
        for (Object entry : Tree.list(kustomization, "components")) {
            resources = build(directory.resolve(String.valueOf(entry)).normalize(), "Component", resources);
        }
        patch(directory, kustomization, resources);
        namespace(kustomization, resources);
        labels(directory, kustomization, resources);
        replicas(directory, kustomization, resources);
        images(kustomization, resources);
        return resources;
    }

    private static void addAll(List<Map<String, Object>> resources, List<Map<String, Object>> added, Path from) {
        Set<String> ids = new HashSet<>();
        resources.forEach(r -> ids.add(id(r)));
        for (Map<String, Object> resource : added) {
            if (!ids.add(id(resource))) {
                throw new KustomizeException(from + ": resource " + id(resource) + " is already registered");
            }
            resources.add(resource);
        }
    }

    /** kind/namespace/name with the API group: what kustomize calls a resource id. */
    public static String id(Map<String, Object> resource) {
        String apiVersion = String.valueOf(Tree.str(resource, "apiVersion"));
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return group + "/" + Tree.str(resource, "kind") + "/" + Tree.str(resource, "metadata", "namespace") + "/"
                + Tree.str(resource, "metadata", "name");
    }

    // ---- patches

    @SuppressWarnings("unchecked")
    private static void patch(Path directory, Map<String, Object> kustomization,
            List<Map<String, Object>> resources) {
        for (Map<String, Object> entry : Tree.maps(kustomization, "patches")) {
            Object body;
            if (entry.containsKey("path")) {
                List<Object> documents = loadDocuments(directory.resolve(Tree.str(entry, "path")));
                if (documents.size() != 1) {
                    throw new KustomizeException(directory + ": a patch file holds exactly one patch: " + entry);
                }
                body = documents.get(0);
            } else if (entry.containsKey("patch")) {
                body = loader().load(Tree.str(entry, "patch"));
            } else {
                throw new KustomizeException(directory + ": a patch needs path or patch: " + entry);
            }
            Map<String, Object> target = Tree.map(entry, "target");
            List<Map<String, Object>> matches = new ArrayList<>();
            for (Map<String, Object> resource : resources) {
                boolean selected = target.isEmpty() && body instanceof Map<?, ?> smp
                        ? sameObject(resource, (Map<String, Object>) smp)
                        : matchesTarget(resource, target);
                if (selected) {
                    matches.add(resource);
                }
            }
            if (matches.isEmpty()) {
                throw new KustomizeException(directory + ": patch matches no resource: " + entry);
            }
            for (Map<String, Object> resource : matches) {
                if (body instanceof List<?> operations) {
                    JsonPatch.apply(resource, (List<Map<String, Object>>) operations);
                } else if (body instanceof Map<?, ?> smp) {
                    Map<String, Object> merge = Tree.copy((Map<String, Object>) smp);
                    // identity fields select the target; they are not changed by the patch
                    if (merge.get("metadata") instanceof Map<?, ?> metadata) {
                        metadata.remove("name");
                        metadata.remove("namespace");
                    }
                    StrategicMerge.apply(resource, merge);
                } else {
                    throw new KustomizeException(directory + ": unreadable patch: " + entry);
                }
            }
        }
    }

    private static boolean sameObject(Map<String, Object> resource, Map<String, Object> patch) {
        String patchNamespace = Tree.str(patch, "metadata", "namespace");
        return eq(Tree.str(resource, "kind"), Tree.str(patch, "kind"))
                && eq(Tree.str(resource, "metadata", "name"), Tree.str(patch, "metadata", "name"))
                && (patchNamespace == null || patchNamespace.equals(Tree.str(resource, "metadata", "namespace")));
    }

    /** kustomize's patch target: kind, name (a regular expression) and namespace, each optional. */
    private static boolean matchesTarget(Map<String, Object> resource, Map<String, Object> target) {
        for (String field : target.keySet()) {
            if (!Set.of("kind", "name", "namespace").contains(field)) {
                throw new KustomizeException("patch target field '" + field + "' is outside the supported subset");
            }
        }
        String kind = Tree.str(target, "kind");
        String name = Tree.str(target, "name");
        String namespace = Tree.str(target, "namespace");
        return (kind == null || kind.equals(Tree.str(resource, "kind")))
                && (name == null || Pattern.matches(name, String.valueOf(Tree.str(resource, "metadata", "name"))))
                && (namespace == null || namespace.equals(Tree.str(resource, "metadata", "namespace")));
    }

    // ---- namespace, labels, replicas, images

    private static void namespace(Map<String, Object> kustomization, List<Map<String, Object>> resources) {
        String namespace = Tree.str(kustomization, "namespace");
        if (namespace == null) {
            return;
        }
        for (Map<String, Object> resource : resources) {
            if (!CLUSTER_SCOPED.contains(Tree.str(resource, "kind"))) {
                Tree.ensureMap(resource, "metadata").put("namespace", namespace);
            }
        }
    }

    private static void labels(Path directory, Map<String, Object> kustomization,
            List<Map<String, Object>> resources) {
        for (Map<String, Object> entry : Tree.maps(kustomization, "labels")) {
            for (String option : List.of("includeSelectors", "includeTemplates")) {
                if (Boolean.TRUE.equals(entry.get(option))) {
                    throw new KustomizeException(directory + ": labels with " + option + " are outside the subset");
                }
            }
            for (Map<String, Object> resource : resources) {
                Tree.map(entry, "pairs").forEach(
                        (key, value) -> Tree.ensureMap(resource, "metadata", "labels").put(key, String.valueOf(value)));
            }
        }
    }

    private static void replicas(Path directory, Map<String, Object> kustomization,
            List<Map<String, Object>> resources) {
        for (Map<String, Object> entry : Tree.maps(kustomization, "replicas")) {
            boolean found = false;
            for (Map<String, Object> resource : resources) {
                if (SCALABLE.contains(Tree.str(resource, "kind"))
                        && Tree.str(entry, "name").equals(Tree.str(resource, "metadata", "name"))) {
                    Tree.ensureMap(resource, "spec").put("replicas", entry.get("count"));
                    found = true;
                }
            }
            if (!found) {
                throw new KustomizeException(directory + ": replicas entry matches no workload: " + entry);
            }
        }
    }

    private static void images(Map<String, Object> kustomization, List<Map<String, Object>> resources) {
        for (Map<String, Object> entry : Tree.maps(kustomization, "images")) {
            for (Map<String, Object> resource : resources) {
                rewriteImages(resource, entry);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void rewriteImages(Object node, Map<String, Object> entry) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> field : map.entrySet()) {
                if (("containers".equals(field.getKey()) || "initContainers".equals(field.getKey()))
                        && field.getValue() instanceof List<?> containers) {
                    for (Object container : containers) {
                        if (container instanceof Map<?, ?> c && c.get("image") instanceof String image) {
                            ((Map<String, Object>) c).put("image", Image.parse(image).rewrite(entry));
                        }
                    }
                } else {
                    rewriteImages(field.getValue(), entry);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> rewriteImages(item, entry));
        }
    }

    /** An image reference split as kustomize's image transformer splits it. */
    record Image(String name, String tag, String digest) {

        static Image parse(String reference) {
            String rest = reference;
            String digest = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String tag = null;
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            return new Image(rest, tag, digest);
        }

        String rewrite(Map<String, Object> entry) {
            if (!name.equals(Tree.str(entry, "name"))) {
                return toString();
            }
            String newName = Tree.str(entry, "newName");
            String newTag = Tree.str(entry, "newTag");
            String newDigest = Tree.str(entry, "digest");
            Image result = new Image(newName != null ? newName : name,
                    newDigest != null ? null : newTag != null ? newTag : tag,
                    newDigest != null ? newDigest : newTag != null ? null : digest);
            return result.toString();
        }

        @Override
        public String toString() {
            return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
        }
    }

    // ---- reading

    private static Map<String, Object> readKustomization(Path directory) {
        for (String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                List<Object> documents = loadDocuments(file);
                if (documents.size() == 1 && documents.get(0) instanceof Map<?, ?>) {
                    return Tree.copy(Tree.map(documents.get(0)));
                }
                throw new KustomizeException(file + ": not a single YAML map");
            }
        }
        throw new KustomizeException(directory + ": no kustomization.yaml");
    }

    /** The Kubernetes objects in a YAML file (several documents allowed), each a fresh mutable copy. */
    public static List<Map<String, Object>> loadAll(Path file) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object document : loadDocuments(file)) {
            if (document == null) {
                continue;
            }
            Map<String, Object> resource = new LinkedHashMap<>(Tree.copy(Tree.map(document)));
            if (resource.isEmpty() || Tree.str(resource, "kind") == null
                    || Tree.str(resource, "metadata", "name") == null) {
                throw new KustomizeException(file + ": a document without kind or metadata.name");
            }
            result.add(resource);
        }
        return result;
    }

    private static List<Object> loadDocuments(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Object> documents = new ArrayList<>();
            for (Object document : loader().loadAll(reader)) {
                if (document != null) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new KustomizeException("cannot read " + file, e);
        }
    }

    private static Yaml loader() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static boolean eq(String a, String b) {
        return a != null && a.equals(b);
    }
}
