package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every endpoint a running service publishes in {@code /q/openapi} is in the endpoint table of its README
 * (method and path), so a new endpoint cannot ship undocumented.
 */
class ReadmeCoversOpenApiTest {

    @ParameterizedTest
    @ValueSource(strings = {"subscription-service", "usage-service", "invoice-service", "contract-service"})
    void everyPublishedEndpointIsInTheReadme(String service) throws IOException {
        Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
        ReadmeEndpoints readme = new ReadmeEndpoints(Files.readString(root.resolve(service).resolve("README.md")));
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .get(Suite.url(service) + "/q/openapi").then().statusCode(200).extract().jsonPath().getMap("paths");
        List<String> missing = new ArrayList<>();
        for (var path : paths.entrySet()) {
            for (String method : path.getValue().keySet()) {
                if (Set.of("get", "post", "put", "patch", "delete").contains(method)
                        && !readme.documents(method, path.getKey())) {
                    missing.add(method.toUpperCase() + " " + path.getKey());
                }
            }
        }
        assertEquals(List.of(), missing, service + "/README.md does not document these endpoints of /q/openapi");
    }
}
