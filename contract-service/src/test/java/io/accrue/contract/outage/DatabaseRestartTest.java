package io.accrue.contract.outage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * A real PostgreSQL restart under load: requests in flight while the server is down answer 503
 * {@code database_unavailable} with Retry-After (never 500), and once it is back no request fails on a pooled
 * connection the old server closed (Agroal validates each connection as it is borrowed).
 */
@QuarkusTest
@TestProfile(DatabaseRestartTest.OwnServer.class)
class DatabaseRestartTest {

    public static class OwnServer implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RestartablePostgresResource.class),
                    new TestResourceEntry(OidcKeysResource.class));
        }
    }

    private static final String PATH = "/v1/orgs/{orgId}/contracts";

    @Test
    void noRequestFailsOnADeadConnectionAfterARestart() throws Exception {
        String token = TestTokens.as(Roles.OWNER).org("restart-org").token();
        ExecutorService load = Executors.newFixedThreadPool(6);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean back = new AtomicBoolean(false);
        AtomicInteger afterRestart = new AtomicInteger();
        java.util.concurrent.CountDownLatch enoughAfterRestart = new java.util.concurrent.CountDownLatch(300);
        Map<String, Integer> duringOutage = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 6; i++) {
            load.submit(() -> {
                while (running.get()) {
                    boolean startedAfterRestart = back.get();
                    Response r = given().auth().oauth2(token).get(PATH, "restart-org");
                    int status = r.statusCode();
                    if (startedAfterRestart) {
                        afterRestart.incrementAndGet();
                        enoughAfterRestart.countDown();
                        if (status != 200) {
                            broken.add("after the restart: " + status + " " + r.asString());
                        }
                    } else if (status != 200) {
                        String key = status + " " + r.path("code") + " retry-after=" + r.header("Retry-After");
                        duringOutage.merge(key, 1, Integer::sum);
                        if (status != 503 || !"database_unavailable".equals(r.path("code"))) {
                            broken.add("during the outage: " + status + " " + r.asString());
                        }
                    }
                }
            });
        }
        // the pool holds open connections to the running server
        given().auth().oauth2(token).get(PATH, "restart-org").then().statusCode(200);
        RestartablePostgresResource.restart();
        back.set(true);
        assertTrue(enoughAfterRestart.await(120, TimeUnit.SECONDS), "only " + afterRestart.get() + " requests after");
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(List.of(), List.copyOf(broken), "outage answers: " + duringOutage);
        duringOutage.keySet().forEach(k -> assertTrue(k.startsWith("503 database_unavailable retry-after=5"), k));
    }
}
