package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;

/**
 * Where the real kustomize is installed (kubectl kustomize), the Java subset must build exactly what it builds.
 * Skipped where kubectl is absent (CI machines need not have it); the other tests do not depend on it.
 */
class KubectlParityTest {

    static List<String> targets() throws IOException {
        List<String> targets = new ArrayList<>();
        Manifests.overlays().forEach(o -> targets.add("overlays/" + o));
        targets.add("secrets");
        targets.add("base");
        return targets;
    }

    @ParameterizedTest
    @MethodSource("targets")
    void theJavaSubsetBuildsWhatKustomizeBuilds(String target) throws Exception {
        Path dir = Manifests.k8s().resolve(target);
        String kustomize = kubectlKustomize(dir);
        Assumptions.assumeTrue(kustomize != null, "kubectl with kustomize is not installed here");
        Map<String, Object> expected = new TreeMap<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(kustomize)) {
            Map<String, Object> resource = Tree.copy(Tree.map(doc));
            expected.put(Kustomize.id(resource), resource);
        }
        Map<String, Object> actual = new TreeMap<>();
        for (Map<String, Object> resource : Kustomize.build(dir)) {
            actual.put(Kustomize.id(resource), resource);
        }
        assertEquals(expected.keySet(), actual.keySet(), target);
        for (String id : expected.keySet()) {
            assertEquals(normalise(expected.get(id)), normalise(actual.get(id)), target + ": " + id);
        }
    }

    /** Scalars compared as text: kustomize and SnakeYAML may type "8081" or true differently, never the value. */
    private static Object normalise(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> result = new TreeMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), normalise(v)));
            return result;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(KubectlParityTest::normalise).toList();
        }
        return node == null ? null : String.valueOf(node);
    }

    private static String kubectlKustomize(Path dir) throws IOException, InterruptedException {
        Process process;
        Path out = Files.createTempFile("kustomize", ".yaml");
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException notInstalled) {
            return null;
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl kustomize " + dir + " did not finish");
        }
        // installed but refusing the kustomization: that is a broken manifest, not a missing tool
        assertEquals(0, process.exitValue(), "kubectl kustomize " + dir);
        String yaml = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        return yaml;
    }
}
