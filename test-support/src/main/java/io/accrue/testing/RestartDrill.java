package io.accrue.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.restassured.response.Response;

/**
 * A real PostgreSQL restart ({@link RestartablePostgresResource}) under concurrent clients, and what the suite
 * promises about it (docs/errors.md {@code database_unavailable}): the server stays down until the clients have had
 * several answers, each 503 {@code database_unavailable} with {@code Retry-After: 5} (never a 500); once it is back every request
 * succeeds (no dead pooled connection is used); and a write is stored exactly when it was answered with success
 * (nothing half-written, nothing answered 503 yet kept).
 *
 * <pre>
 * RestartDrill.of(key -> given().auth().oauth2(token).get("/v1/..."))
 *         .writes(key -> given()...post(... key ...), key -> rowExists(key))
 *         .run();
 * </pre>
 */
public final class RestartDrill {

    /** One request; {@code key} is fresh for every call (an idempotency key, an event id, a name). */
    public interface Probe {
        Response call(String key);
    }

    private final Probe read;
    private Probe write;
    private Predicate<String> stored;
    private int clients = 6;
    private int requestsAfter = 300;

    private RestartDrill(Probe read) {
        this.read = read;
    }

    /** A request that reads from the database and answers 2xx while it is up. */
    public static RestartDrill of(Probe read) {
        return new RestartDrill(read);
    }

    /**
     * Also write under load: {@code write} with a fresh key answers 2xx when it stored something, and
     * {@code stored} tells afterwards whether that key's row exists.
     */
    public RestartDrill writes(Probe write, Predicate<String> stored) {
        this.write = write;
        this.stored = stored;
        return this;
    }

    public RestartDrill requestsAfterRestart(int n) {
        this.requestsAfter = n;
        return this;
    }

    public void run() throws Exception {
        // the pool holds open connections to the running server
        assertEquals(2, read.call(UUID.randomUUID().toString()).statusCode() / 100, "the probe works before");
        ExecutorService load = Executors.newFixedThreadPool(clients);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean back = new AtomicBoolean(false);
        AtomicInteger afterRestart = new AtomicInteger();
        CountDownLatch enoughAfterRestart = new CountDownLatch(requestsAfter);
        CountDownLatch outageAnswers = new CountDownLatch(clients);
        Map<String, Integer> duringOutage = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
        Map<String, Boolean> written = new ConcurrentHashMap<>();
        for (int i = 0; i < clients; i++) {
            boolean writer = write != null && i % 2 == 1;
            load.submit(() -> {
                while (running.get()) {
                    boolean startedAfterRestart = back.get();
                    String key = UUID.randomUUID().toString();
                    Response r = writer ? write.call(key) : read.call(key);
                    int status = r.statusCode();
                    boolean ok = status / 100 == 2;
                    if (writer) {
                        written.put(key, ok);
                    }
                    if (startedAfterRestart) {
                        afterRestart.incrementAndGet();
                        enoughAfterRestart.countDown();
                        if (!ok) {
                            broken.add("after the restart: " + status + " " + r.asString());
                        }
                    } else if (!ok) {
                        String code = code(r);
                        duringOutage.merge(status + " " + code + " retry-after=" + r.header("Retry-After"), 1,
                                Integer::sum);
                        outageAnswers.countDown();
                        if (status != 503 || !"database_unavailable".equals(code)
                                || !"5".equals(r.header("Retry-After"))) {
                            broken.add("during the outage: " + status + " " + r.asString());
                        }
                    }
                }
            });
        }
        // down long enough that requests outlast the pool's acquisition timeout and must be answered
        RestartablePostgresResource.shutDown();
        boolean answeredDuringOutage = outageAnswers.await(120, TimeUnit.SECONDS);
        RestartablePostgresResource.startAgain();
        back.set(true);
        assertTrue(answeredDuringOutage, "only " + duringOutage + " answers while the database was down");
        assertTrue(enoughAfterRestart.await(120, TimeUnit.SECONDS), "only " + afterRestart.get() + " requests after");
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(List.of(), List.copyOf(broken), "outage answers: " + duringOutage);
        System.out.printf("restart drill: %d requests after the restart, outage answers %s, %d writes%n",
                afterRestart.get(), duringOutage, written.size());
        List<String> wrong = new ArrayList<>();
        written.forEach((key, ok) -> {
            if (stored.test(key) != ok) {
                wrong.add(key + (ok ? " answered success but was not stored" : " answered 503 but was stored"));
            }
        });
        assertEquals(List.of(), wrong, "writes around the restart");
    }

    private static String code(Response r) {
        try {
            return String.valueOf((Object) r.path("code"));
        } catch (RuntimeException e) {
            return "(no problem body)";
        }
    }
}
