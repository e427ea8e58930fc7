package io.accrue.subscription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server (GreenMail, in-process) on a fixed port for the whole test run, which tests can stop and start
 * again on the same port to play an outage of the mail server.
 */
public class MailServerResource implements QuarkusTestResourceLifecycleManager {

    private static int port;
    private static GreenMail server;

    /** The running server (a new instance after {@link #restart}). */
    public static synchronized GreenMail server() {
        return server;
    }

    /** Stops the server: connections to its port are refused until {@link #restart}. */
    public static synchronized void outage() {
        server.stop();
    }

    /** A fresh server on the same port (what it received before the stop is gone with the old one). */
    public static synchronized void restart() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    @Override
    public Map<String, String> start() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        restart();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
