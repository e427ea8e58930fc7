package io.accrue.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A JDK HttpServer playing usage-service: each request is recorded and answered by the given function. */
final class StubServer implements AutoCloseable {

    record Seen(String method, String uri, String authorization, String body) {}

    record Reply(int status, String body, Map<String, String> headers) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of());
        }

        static Reply problem(int status, String code, Map<String, String> headers) {
            return new Reply(status, "{\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"stub " + code
                    + "\"}", headers);
        }
    }

    final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final HttpServer server;

    StubServer(Function<Seen, Reply> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> handle(ex, answer));
        server.start();
    }

    private void handle(HttpExchange ex, Function<Seen, Reply> answer) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("Authorization"),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
            seen.add(s);
            Reply r = answer.apply(s);
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().put("Content-Type",
                    List.of(r.status() >= 400 ? "application/problem+json" : "application/json"));
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        } finally {
            ex.close();
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
