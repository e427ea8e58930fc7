package io.accrue.common.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * POSTs a body to a tenant's URL, connecting only to an address {@link OutboundUrlPolicy} has just checked. The JDK
 * clients resolve the host again when they connect, so a name that answered a public address for the check could
 * answer 169.254.169.254 for the connection (DNS rebinding); here the socket is opened to the checked
 * {@link InetAddress} itself, while TLS still verifies the certificate against the URL's host name (SNI and
 * endpoint identification). One HTTP/1.1 request per connection ({@code Connection: close}); only the status line
 * is read, and a 3xx is a failed delivery: redirects are never followed.
 * <p>
 * TLS: the receiver's certificate must chain to the trust given ({@link #trusting(KeyStore)}, configured by
 * {@code accrue.outbound.trust-store}; by default the JVM's) and name the URL's host; otherwise the handshake fails
 * before a byte of the request is sent, as {@link TlsRefused}.
 */
public final class OutboundHttp {

    /** The receiver's TLS certificate was refused (untrusted, expired, or not naming the host): nothing was sent. */
    public static final class TlsRefused extends IOException {
        TlsRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final boolean allowPrivate;
    private final OutboundUrlPolicy.Resolver resolver;
    private final SSLSocketFactory tls;

    public OutboundHttp(boolean allowPrivate) {
        this(allowPrivate, OutboundUrlPolicy.Resolver.SYSTEM, defaultTls());
    }

    public OutboundHttp(boolean allowPrivate, OutboundUrlPolicy.Resolver resolver, SSLSocketFactory tls) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
        this.tls = tls;
    }

    /** The registration check, with this client's mode and resolver. */
    public java.util.Optional<String> refusal(String url) {
        return OutboundUrlPolicy.refusal(url, allowPrivate, resolver);
    }

    /**
     * Checks {@code url} (resolving it once), connects to a checked address and POSTs {@code body}; answers the HTTP
     * status. {@link OutboundUrlPolicy.Refused} when the URL may not be called now; {@link IOException} when the
     * receiver could not be reached or answered nothing readable within {@code timeout}.
     */
    public int post(String url, Map<String, String> headers, String body, Duration timeout)
            throws OutboundUrlPolicy.Refused, IOException {
        OutboundUrlPolicy.Target target = OutboundUrlPolicy.resolve(url, allowPrivate, resolver);
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        IOException last = null;
        for (InetAddress address : target.addresses()) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, target.port()), millis(timeout));
            } catch (IOException e) {
                socket.close();
                last = e;
                continue;
            }
            try (Socket s = target.https() ? secure(socket, target) : socket) {
                s.setSoTimeout(millis(timeout));
                OutputStream out = s.getOutputStream();
                out.write(head(target, headers, payload.length).getBytes(StandardCharsets.UTF_8));
                out.write(payload);
                out.flush();
                return status(new BufferedInputStream(s.getInputStream()));
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    private Socket secure(Socket plain, OutboundUrlPolicy.Target target) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(plain, target.host(), target.port(), true);
        SSLParameters parameters = s.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!target.host().contains(":") && !target.host().chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        s.setSSLParameters(parameters);
        try {
            s.startHandshake();
        } catch (SSLHandshakeException e) {
            s.close();
            throw new TlsRefused(tlsRefusal(target.host(), e), e);
        }
        return s;
    }

    /** Says which rule the certificate broke, for the delivery's recorded error. */
    private static String tlsRefusal(String host, SSLHandshakeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException && String.valueOf(t.getMessage()).startsWith("No ")) {
                // "No subject alternative DNS name matching x found", "No name matching x found"
                return "TLS refused: the certificate of " + host + " does not name that host";
            }
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("PKIX") || text.contains("certification path") || text.contains("not trusted")) {
            return "TLS refused: the certificate of " + host + " is not trusted (no path to a trusted certificate)";
        }
        return "TLS refused by or for " + host + ": " + text;
    }

    /** TLS that trusts exactly the certificates in {@code store} (hostname verification stays on). */
    public static SSLSocketFactory trusting(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static String head(OutboundUrlPolicy.Target target, Map<String, String> headers, int length) {
        String path = target.uri().getRawPath() == null || target.uri().getRawPath().isEmpty()
                ? "/"
                : target.uri().getRawPath();
        if (target.uri().getRawQuery() != null) {
            path += "?" + target.uri().getRawQuery();
        }
        boolean defaultPort = target.port() == (target.https() ? 443 : 80);
        String host = target.uri().getHost() + (defaultPort ? "" : ":" + target.port());
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        headers.forEach((name, value) -> {
            if (name.contains("\r") || name.contains("\n") || value.contains("\r") || value.contains("\n")) {
                throw new IllegalArgumentException("header " + name + " carries a line break");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        return head.append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n\r\n").toString();
    }

    /** Reads {@code HTTP/1.1 200 OK} and answers 200; the rest of the answer is not needed. */
    static int status(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1 || line.size() > 1024) {
                throw new IOException("no HTTP status line in the answer");
            }
            line.write(b);
        }
        String[] parts = line.toString(StandardCharsets.ISO_8859_1).trim().split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new IOException("no HTTP status line in the answer");
        }
        return Integer.parseInt(parts[1]);
    }

    private static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS", e);
        }
    }
}
