package io.accrue.common.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class OutboundHttpTest {

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hooks", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Host") + " "
                    + exchange.getRequestHeaders().getFirst("X-Test") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port() + "/hooks");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    @Test
    void connectsToTheAddressItCheckedAndNamesTheHost() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        OutboundUrlPolicy.Resolver dns = host -> {
            lookups.incrementAndGet();
            return new InetAddress[]{InetAddress.getLoopbackAddress()};
        };
        OutboundHttp http = new OutboundHttp(true, dns, (SSLSocketFactory) SSLSocketFactory.getDefault());
        int status = http.post("http://hooks.example.test:" + port() + "/hooks", Map.of("X-Test", "yes"),
                "{\"a\":1}", Duration.ofSeconds(5));
        assertEquals(204, status);
        assertEquals(List.of("hooks.example.test:" + port() + " yes {\"a\":1}"), received);
        assertEquals(1, lookups.get(), "resolved once: the connection goes to the address that was checked");
    }

    @Test
    void aNameRepointedAtAPrivateAddressIsNeverConnectedTo() {
        // Registration saw a public address; at delivery the name answers loopback (DNS rebinding).
        AtomicInteger lookups = new AtomicInteger();
        OutboundUrlPolicy.Resolver rebinding = host -> new InetAddress[]{lookups.getAndIncrement() == 0
                ? InetAddress.getByName("93.184.216.34")
                : InetAddress.getLoopbackAddress()};
        OutboundHttp http = new OutboundHttp(false, rebinding, (SSLSocketFactory) SSLSocketFactory.getDefault());
        assertTrue(http.refusal("https://rebind.example.test/hooks").isEmpty());
        var refused = assertThrows(OutboundUrlPolicy.Refused.class,
                () -> http.post("https://rebind.example.test/hooks", Map.of(), "{}", Duration.ofSeconds(2)));
        assertEquals("the host resolves to a non-public address (loopback)", refused.getMessage());
        assertTrue(received.isEmpty());
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        OutboundHttp http = new OutboundHttp(true);
        assertEquals(302, http.post("http://127.0.0.1:" + port() + "/moved", Map.of(), "{}", Duration.ofSeconds(5)));
        assertTrue(received.isEmpty(), "the Location was not called");
    }

    @Test
    void headersCannotSmuggleLines() {
        OutboundHttp http = new OutboundHttp(true);
        assertThrows(IllegalArgumentException.class, () -> http.post("http://127.0.0.1:" + port() + "/hooks",
                Map.of("X-Test", "a\r\nX-Evil: 1"), "{}", Duration.ofSeconds(5)));
    }
}
