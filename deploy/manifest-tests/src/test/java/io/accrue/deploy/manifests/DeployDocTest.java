package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.accrue.deploy.kustomize.Kustomize;
import io.accrue.deploy.kustomize.Tree;
import io.accrue.deploy.manifests.Manifests.PodTemplate;

/** docs/deploy.md names every setting and every Secret key the manifests use, so none goes undocumented. */
class DeployDocTest {

    @Test
    void everySettingAndSecretKeyOfEveryOverlayIsDocumented() throws IOException {
        String doc = Files.readString(Manifests.repo().resolve("docs/deploy.md"));
        Set<String> names = new TreeSet<>();
        for (String overlay : Manifests.overlays()) {
            Manifests m = Manifests.build(overlay);
            for (PodTemplate pod : m.podTemplates()) {
                if (!"accrue".equals(Tree.str(pod.labels(), "app.kubernetes.io/part-of"))) {
                    continue; // Keycloak of the local overlay is configured by its own documentation
                }
                for (Map<String, Object> c : pod.containers()) {
                    Tree.maps(c, "env").forEach(e -> names.add(Tree.str(e, "name")));
                    for (Map<String, Object> from : Tree.maps(c, "envFrom")) {
                        m.find("ConfigMap", String.valueOf(Tree.str(from, "configMapRef", "name")))
                                .ifPresent(cm -> names.addAll(Tree.map(cm, "data").keySet()));
                    }
                }
            }
        }
        for (Map<String, Object> secret : Kustomize.build(Manifests.k8s().resolve("secrets"))) {
            names.add(Tree.str(secret, "metadata", "name"));
            names.addAll(Tree.map(secret, "stringData").keySet());
        }
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!doc.contains("`" + name + "`")) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "settings missing from docs/deploy.md (write them as `NAME`)");
    }
}
