package io.accrue.common.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The TLS path of {@link OutboundHttp} against a real HTTPS receiver whose self-signed certificate (made by the JDK's
 * keytool) names {@code hooks.example.test}: delivery succeeds only when the configured trust store holds that
 * certificate and the URL names that host; otherwise the handshake is refused before anything is sent.
 */
class OutboundTlsTest {

    private static final String PASSWORD = "changeit";
    private static final String HOST = "hooks.example.test";

    @TempDir
    static Path dir;

    private static HttpsServer server;
    private static KeyStore trusted;
    private static Path trustFile;
    private static final List<String> received = new CopyOnWriteArrayList<>();

    /** Every name resolves to loopback, where the receiver listens (the address checks allow it in this mode). */
    private static final OutboundUrlPolicy.Resolver LOOPBACK = host -> new InetAddress[]{
            InetAddress.getLoopbackAddress()};

    @BeforeAll
    static void receiver() throws Exception {
        Path keys = dir.resolve("receiver.p12");
        keytool("-genkeypair", "-alias", "receiver", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + HOST, "-ext", "SAN=dns:" + HOST, "-storetype", "PKCS12", "-keystore",
                keys.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/hooks", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();

        // the operator's trust store: just the receiver's certificate (what a private CA's file would hold)
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("receiver", store.getCertificate("receiver"));
        trustFile = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustFile)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
    }

    private static int port() {
        return server.getAddress().getPort();
    }

    @Test
    void deliversWhenTheCertificateIsTrustedAndNamesTheHost() throws Exception {
        OutboundHttp http = new OutboundHttp(true, LOOPBACK, OutboundHttp.trusting(trusted));
        assertEquals(204, http.post("https://" + HOST + ":" + port() + "/hooks", Map.of(), "{\"a\":1}",
                Duration.ofSeconds(10)));
        assertEquals(List.of("{\"a\":1}"), received);
    }

    @Test
    void refusesACertificateTheTrustStoreDoesNotHold() {
        // the JVM's default trust (cacerts) does not know a self-signed certificate
        OutboundHttp http = new OutboundHttp(true, LOOPBACK, (SSLSocketFactory) SSLSocketFactory.getDefault());
        OutboundHttp.TlsRefused refused = assertThrows(OutboundHttp.TlsRefused.class,
                () -> http.post("https://" + HOST + ":" + port() + "/hooks", Map.of(), "{\"secret\":1}",
                        Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("is not trusted"), refused.getMessage());
        assertEquals(List.of(), received, "nothing was delivered");
    }

    @Test
    void refusesATrustedCertificateThatNamesAnotherHost() {
        OutboundHttp http = new OutboundHttp(true, LOOPBACK, trustingQuietly());
        OutboundHttp.TlsRefused refused = assertThrows(OutboundHttp.TlsRefused.class,
                () -> http.post("https://other.example.test:" + port() + "/hooks", Map.of(), "{\"secret\":1}",
                        Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("does not name that host"), refused.getMessage());
        assertEquals(List.of(), received, "nothing was delivered");
    }

    @Test
    void theConfiguredTrustStoreFileIsTheTrustUsed() throws Exception {
        OutboundHttp http = new OutboundHttpProducer().outboundHttp(config(Optional.of(trustFile)));
        // the producer resolves names with the system resolver: use the loopback literal, which the cert lacks
        OutboundHttp.TlsRefused refused = assertThrows(OutboundHttp.TlsRefused.class,
                () -> http.post("https://127.0.0.1:" + port() + "/hooks", Map.of(), "{}", Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().contains("does not name that host"), refused.getMessage());
        OutboundHttp standard = new OutboundHttpProducer().outboundHttp(config(Optional.empty()));
        OutboundHttp.TlsRefused untrusted = assertThrows(OutboundHttp.TlsRefused.class,
                () -> standard.post("https://127.0.0.1:" + port() + "/hooks", Map.of(), "{}", Duration.ofSeconds(10)));
        assertTrue(untrusted.getMessage().contains("is not trusted"), untrusted.getMessage());
        assertThrows(IllegalStateException.class,
                () -> new OutboundHttpProducer().outboundHttp(config(Optional.of(dir.resolve("missing.p12")))));
        assertEquals(List.of(), received);
    }

    private static SSLSocketFactory trustingQuietly() {
        try {
            return OutboundHttp.trusting(trusted);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static OutboundConfig config(Optional<Path> trustStore) {
        return new OutboundConfig() {
            @Override
            public boolean allowPrivateAddresses() {
                return true;
            }

            @Override
            public Optional<Path> trustStore() {
                return trustStore;
            }

            @Override
            public Optional<String> trustStorePassword() {
                return Optional.of(PASSWORD);
            }

            @Override
            public String trustStoreType() {
                return "PKCS12";
            }
        };
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), output);
    }
}
