package io.accrue.deploy.kustomize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The kustomize rules the manifests rely on, each on a small kustomization written here. */
class KustomizeSubsetTest {

    @TempDir
    Path dir;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: example/web:1.0
                      env:
                        - {name: A, value: "1"}
                        - name: B
                          valueFrom:
                            secretKeyRef: {name: s, key: b}
                      ports:
                        - {name: http, containerPort: 8080}
                    - name: sidecar
                      image: example/sidecar
            """;

    private void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private Map<String, Object> onlyDeployment(Path kustomization) {
        List<Map<String, Object>> built = Kustomize.build(kustomization);
        return built.stream().filter(r -> "Deployment".equals(Tree.str(r, "kind"))).findFirst().orElseThrow();
    }

    private Map<String, Object> container(Map<String, Object> deployment, String name) {
        return Tree.maps(deployment, "spec", "template", "spec", "containers").stream()
                .filter(c -> name.equals(Tree.str(c, "name"))).findFirst().orElseThrow();
    }

    @Test
    void strategicMergeMergesContainersAndEnvByNameAndReplacesOtherLists() throws IOException {
        write("base/deployment.yaml", DEPLOYMENT);
        write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
        write("overlay/patch.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                        - name: web
                          args: [--fast]
                          env:
                            - name: B
                              valueFrom:
                                secretKeyRef: {name: other, key: bb}
                            - {name: C, value: "3"}
                """);
        write("overlay/kustomization.yaml", "resources: [../base]\npatches:\n  - path: patch.yaml\n");
        Map<String, Object> web = container(onlyDeployment(dir.resolve("overlay")), "web");
        List<Map<String, Object>> env = Tree.maps(web, "env");
        assertEquals(List.of("A", "B", "C"), env.stream().map(e -> Tree.str(e, "name")).toList());
        assertEquals("other", Tree.str(env.get(1), "valueFrom", "secretKeyRef", "name"));
        assertEquals("bb", Tree.str(env.get(1), "valueFrom", "secretKeyRef", "key"));
        assertEquals(List.of("--fast"), Tree.list(web, "args"));
        assertEquals("example/web:1.0", Tree.str(web, "image"), "fields the patch does not name stay");
        assertEquals("example/sidecar",
                Tree.str(container(onlyDeployment(dir.resolve("overlay")), "sidecar"), "image"));
    }

    @Test
    void aNullInAStrategicMergePatchDeletesTheField() throws IOException {
        write("base/deployment.yaml", DEPLOYMENT);
        write("base/kustomization.yaml", """
                resources: [deployment.yaml]
                patches:
                  - patch: |
                      apiVersion: apps/v1
                      kind: Deployment
                      metadata: {name: web}
                      spec:
                        selector: null
                """);
        assertNull(Tree.get(onlyDeployment(dir.resolve("base")), "spec", "selector"));
    }

    @Test
    void jsonPatchesApplyToEveryTargetAndUnescapeSlashes() throws IOException {
        write("base/deployment.yaml", DEPLOYMENT);
        write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
        write("overlay/ops.yaml", """
                - op: add
                  path: /metadata/annotations
                  value: {}
                - op: add
                  path: /metadata/annotations/example.com~1owner
                  value: team-a
                - op: replace
                  path: /spec/template/spec/containers/0/ports/0/containerPort
                  value: 9090
                - op: remove
                  path: /spec/template/spec/containers/1
                - op: add
                  path: /spec/template/spec/containers/0/env/-
                  value: {name: Z, value: "26"}
                """);
        write("overlay/kustomization.yaml", """
                resources: [../base]
                patches:
                  - path: ops.yaml
                    target: {kind: Deployment, name: "w.*"}
                """);
        Map<String, Object> deployment = onlyDeployment(dir.resolve("overlay"));
        assertEquals("team-a", Tree.str(deployment, "metadata", "annotations", "example.com/owner"));
        assertEquals(1, Tree.list(deployment, "spec", "template", "spec", "containers").size());
        assertEquals("9090", Tree.str(Tree.maps(container(deployment, "web"), "ports").get(0), "containerPort"));
        assertEquals("Z", Tree.str(Tree.maps(container(deployment, "web"), "env").get(2), "name"));
    }

    @Test
    void aJsonPatchOnAMissingPathFails() throws IOException {
        write("k/deployment.yaml", DEPLOYMENT);
        write("k/kustomization.yaml", """
                resources: [deployment.yaml]
                patches:
                  - patch: |
                      - op: replace
                        path: /spec/replicas
                        value: 3
                    target: {kind: Deployment}
                """);
        assertThrows(KustomizeException.class, () -> Kustomize.build(dir.resolve("k")));
    }

    @ParameterizedTest
    @CsvSource({
            "example/web:1.0,       registry.io/web, 2.0,  ,         registry.io/web:2.0",
            "example/web,           ,                2.0,  ,         example/web:2.0",
            "example/web:1.0,       registry.io/web, ,     ,         registry.io/web:1.0",
            "example/web:1.0,       ,                ,     sha256:ab, example/web@sha256:ab",
            "example/web:1.0@sha256:cd, ,            3.0,  ,         example/web:3.0",
            "localhost:5000/web:1,  ,                2,    ,         localhost:5000/web:2"})
    void imagesAreRenamedRetaggedAndPinned(String image, String newName, String newTag, String digest,
            String expected) throws IOException {
        String name = Kustomize.Image.parse(image).name();
        Map<String, Object> entry = new java.util.HashMap<>();
        entry.put("name", name);
        entry.put("newName", newName);
        entry.put("newTag", newTag);
        entry.put("digest", digest);
        assertEquals(expected, Kustomize.Image.parse(image).rewrite(entry));
    }

    @Test
    void namespaceLabelsReplicasAndImagesApplyToTheWholeBuild() throws IOException {
        write("base/deployment.yaml", DEPLOYMENT + """
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: team}
                """);
        write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
        write("overlay/kustomization.yaml", """
                namespace: team
                resources: [../base]
                labels:
                  - pairs: {tier: gold}
                    includeSelectors: false
                replicas:
                  - {name: web, count: 3}
                images:
                  - {name: example/sidecar, newTag: "2"}
                """);
        List<Map<String, Object>> built = Kustomize.build(dir.resolve("overlay"));
        Map<String, Object> deployment = onlyDeployment(dir.resolve("overlay"));
        assertEquals("team", Tree.str(deployment, "metadata", "namespace"));
        Map<String, Object> namespace = built.stream().filter(r -> "Namespace".equals(Tree.str(r, "kind"))).findFirst()
                .orElseThrow();
        assertNull(Tree.str(namespace, "metadata", "namespace"), "cluster-scoped objects get no namespace");
        assertEquals("gold", Tree.str(deployment, "metadata", "labels", "tier"));
        assertNull(Tree.get(deployment, "spec", "selector", "matchLabels", "tier"), "selectors stay as they are");
        assertNull(Tree.get(deployment, "spec", "template", "metadata", "labels", "tier"));
        assertEquals("3", Tree.str(deployment, "spec", "replicas"));
        assertEquals("example/sidecar:2", Tree.str(container(deployment, "sidecar"), "image"));
        assertEquals("example/web:1.0", Tree.str(container(deployment, "web"), "image"));
    }

    @Test
    void aComponentTransformsWhatWasAccumulatedBeforeIt() throws IOException {
        write("base/deployment.yaml", DEPLOYMENT);
        write("base/kustomization.yaml", "resources: [deployment.yaml]\n");
        write("component/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {k: v}\n");
        write("component/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                resources: [extra.yaml]
                patches:
                  - patch: |
                      - op: add
                        path: /spec/replicas
                        value: 5
                    target: {kind: Deployment}
                """);
        write("overlay/kustomization.yaml", "namespace: x\nresources: [../base]\ncomponents: [../component]\n");
        List<Map<String, Object>> built = Kustomize.build(dir.resolve("overlay"));
        assertEquals(2, built.size());
        assertTrue(built.stream().allMatch(r -> "x".equals(Tree.str(r, "metadata", "namespace"))));
        assertEquals("5", Tree.str(onlyDeployment(dir.resolve("overlay")), "spec", "replicas"));
    }

    @Test
    void aComponentCannotBeUsedAsAResourceNorAKustomizationAsAComponent() throws IOException {
        write("component/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
        write("plain/kustomization.yaml", "resources: []\n");
        write("a/kustomization.yaml", "resources: [../component]\n");
        write("b/kustomization.yaml", "components: [../plain]\n");
        assertThrows(KustomizeException.class, () -> Kustomize.build(dir.resolve("a")));
        assertThrows(KustomizeException.class, () -> Kustomize.build(dir.resolve("b")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "namePrefix: x-",
            "commonLabels: {a: b}",
            "configMapGenerator: [{name: c, literals: [a=b]}]",
            "labels: [{pairs: {a: b}, includeSelectors: true}]",
            "patches: [{path: p.yaml}]"})
    void whatTheSubsetDoesNotImplementOrCannotMatchIsRefused(String field) throws IOException {
        write("k/deployment.yaml", DEPLOYMENT);
        write("k/p.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nothing-by-this-name}\n");
        write("k/kustomization.yaml", "resources: [deployment.yaml]\n" + field + "\n");
        assertThrows(KustomizeException.class, () -> Kustomize.build(dir.resolve("k")));
    }

    @Test
    void theSameResourceTwiceIsRefused() throws IOException {
        write("k/deployment.yaml", DEPLOYMENT);
        write("k/again.yaml", DEPLOYMENT);
        write("k/kustomization.yaml", "resources: [deployment.yaml, again.yaml]\n");
        assertThrows(KustomizeException.class, () -> Kustomize.build(dir.resolve("k")));
    }
}
