package io.accrue.deploy.manifests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;

/** One built overlay, with the look-ups the checks need. */
record Manifests(String overlay, List<Map<String, Object>> resources) {

    static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");

    /** deploy/k8s, found from the module directory Maven runs the tests in (or any directory below the repo). */
    static Path k8s() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("deploy/k8s/base"))) {
                return dir.resolve("deploy/k8s");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("deploy/k8s not found above " + Path.of("").toAbsolutePath());
    }

    static Path repo() {
        return k8s().getParent().getParent();
    }

    /** Every overlay directory, so a new overlay is checked without touching the tests. */
    static List<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    static Manifests build(String overlay) {
        return new Manifests(overlay, Kustomize.build(k8s().resolve("overlays").resolve(overlay)));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(Tree.str(r, "kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(r -> name.equals(Tree.str(r, "metadata", "name"))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " " + name));
    }

    /** Pod templates of every workload: Deployments, StatefulSets, Jobs and CronJobs. */
    List<PodTemplate> podTemplates() {
        List<PodTemplate> templates = new ArrayList<>();
        for (Map<String, Object> r : resources) {
            String kind = Tree.str(r, "kind");
            String name = Tree.str(r, "metadata", "name");
            Map<String, Object> template = switch (String.valueOf(kind)) {
                case "Deployment", "StatefulSet", "DaemonSet", "Job" -> Tree.map(r, "spec", "template");
                case "CronJob" -> Tree.map(r, "spec", "jobTemplate", "spec", "template");
                default -> null;
            };
            if (template != null) {
                templates.add(new PodTemplate(kind, name, Tree.str(r, "metadata", "namespace"), template));
            }
        }
        return templates;
    }

    record PodTemplate(String kind, String name, String namespace, Map<String, Object> template) {

        Map<String, Object> labels() {
            return Tree.map(template, "metadata", "labels");
        }

        List<Map<String, Object>> containers() {
            return Tree.maps(template, "spec", "containers");
        }

        Map<String, Object> podSecurity() {
            return Tree.map(template, "spec", "securityContext");
        }

        @Override
        public String toString() {
            return kind + " " + name;
        }
    }
}
