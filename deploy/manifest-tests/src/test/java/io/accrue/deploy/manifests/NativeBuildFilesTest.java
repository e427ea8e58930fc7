package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.accrue.deploy.kustomize.Tree;

/**
 * Each service's container and native files agree with each other and with the manifests: the port the
 * Containerfiles expose is the service's HTTP port and the Deployment's container port, images run as a non-root
 * user, the native image is built in the Mandrel builder, and the reflection registration is well-formed.
 */
class NativeBuildFilesTest {

    static List<String> services() {
        return Manifests.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void containerfilesExposeTheServicePortAndRunAsNonRoot(String service) throws IOException {
        Path docker = Manifests.repo().resolve(service).resolve("src/main/docker");
        String port = httpPort(service);
        String deploymentPort = Tree.str(Tree.maps(Tree.maps(Manifests.build("production").get("Deployment", service),
                "spec", "template", "spec", "containers").get(0), "ports").get(0), "containerPort");
        assertEquals(port, deploymentPort, service + ": quarkus.http.port and the Deployment's containerPort");
        for (String file : List.of("Containerfile.native", "Containerfile.jvm")) {
            String text = Files.readString(docker.resolve(file));
            assertTrue(text.contains("\nEXPOSE " + port + "\n"), service + "/" + file + " exposes " + port);
            List<String> users = Pattern.compile("(?m)^USER (\\S+)").matcher(text).results().map(r -> r.group(1))
                    .toList();
            assertFalse(users.isEmpty(), file + " sets no USER");
            String last = users.get(users.size() - 1);
            assertFalse(last.equals("0") || last.equals("root"), service + "/" + file + " runs as root");
            assertTrue(text.contains("-pl " + service + " -am"), service + "/" + file + " builds another module");
        }
        String nativeFile = Files.readString(docker.resolve("Containerfile.native"));
        assertTrue(nativeFile.contains("FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:"), "Mandrel builder");
        assertTrue(nativeFile.contains("-Dnative"), "native build");
    }

    @ParameterizedTest
    @MethodSource("services")
    void reflectionRegistrationIsWellFormed(String service) throws IOException {
        Path config = Manifests.repo().resolve(service)
                .resolve("src/main/resources/META-INF/native-image/io.accrue/" + service + "/reflect-config.json");
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
        assertTrue(parsed instanceof List<?>, config + " is a JSON array");
        Set<String> names = new HashSet<>();
        for (Map<String, Object> entry : Tree.maps(Map.of("items", parsed), "items")) {
            String name = Tree.str(entry, "name");
            assertTrue(name != null && name.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+"), "class name " + name);
            assertTrue(names.add(name), "registered twice: " + name);
            assertEquals(Boolean.TRUE, entry.get("allDeclaredFields"), name + ": Gson and Jackson read fields");
            assertTrue(name.startsWith("com.stripe.") || name.startsWith("io.accrue."),
                    "unexpected registration " + name);
        }
    }

    private static String httpPort(String service) throws IOException {
        String properties = Files.readString(Manifests.repo().resolve(service)
                .resolve("src/main/resources/application.properties"));
        Matcher m = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)").matcher(properties);
        assertTrue(m.find(), service + ": no quarkus.http.port");
        return m.group(1);
    }
}
