package io.accrue.usage.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's load generator: one kept-alive HTTP/1.1 connection per client thread, requests serialised to
 * bytes before the clock starts. The load generator shares the service's JVM and its 2 cores, so it must cost
 * next to nothing (as wrk or a pre-built request replay would); java.net.http spent about a quarter of the JVM's
 * CPU during the quota run on its own threads and hand-offs.
 */
final class RawHttp implements Closeable {

    record Response(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttp(URL base) throws IOException {
        socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    static byte[] get(URL base, String pathAndQuery, String authorization) {
        return head("GET", base, pathAndQuery, authorization, "").append("\r\n").toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] postJson(URL base, String path, String authorization, String json) {
        return json("POST", base, path, authorization, json);
    }

    static byte[] json(String method, URL base, String path, String authorization, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = head(method, base, path, authorization,
                "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n").append("\r\n")
                .toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static StringBuilder head(String method, URL base, String path, String authorization, String extra) {
        return new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(base.getHost()).append(':').append(base.getPort()).append("\r\nAuthorization: ")
                .append(authorization).append("\r\n").append(extra);
    }

    Response send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String status = line();
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0; size = Integer
                    .parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            body.write(in.readNBytes((int) length));
        }
        return new Response(code, body.toByteArray());
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed mid-response");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
