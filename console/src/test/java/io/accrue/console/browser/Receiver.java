package io.accrue.console.browser;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/** A webhook receiver on this machine: keeps what subscription-service delivers and answers 204. */
final class Receiver implements AutoCloseable {

    record Delivery(String id, String timestamp, String signatures, String body) {

        /** Standard Webhooks: {@code v1,base64(HMAC-SHA256(secret, id.timestamp.body))} among the signatures. */
        boolean signedWith(String whsec) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsec.substring("whsec_".length())), "HmacSHA256"));
            byte[] expected = ("v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8))))
                    .getBytes(StandardCharsets.UTF_8);
            return Arrays.stream(signatures.split(" "))
                    .anyMatch(s -> MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private final HttpServer server;
    private final List<Delivery> received = new CopyOnWriteArrayList<>();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            received.add(new Delivery(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    List<Delivery> received() {
        return List.copyOf(received);
    }

    /** The first delivery that matches, waiting for it (the stack sends due deliveries every few seconds). */
    Delivery await(Predicate<Delivery> match) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> received.stream().filter(match).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
