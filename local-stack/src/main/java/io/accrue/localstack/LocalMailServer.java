package io.accrue.localstack;

import java.util.List;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * The stack's SMTP server (GreenMail, in-process): subscription-service sends its mails to billing contacts here.
 * What it received can be read through {@link #received()} (e2e tests) or over IMAP (a developer's mail client; user
 * and password are the recipient's address, which GreenMail creates on first delivery).
 */
public final class LocalMailServer implements AutoCloseable {

    private final GreenMail server;
    private final int smtpPort;
    private final int imapPort;

    private LocalMailServer(GreenMail server, int smtpPort, int imapPort) {
        this.server = server;
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
    }

    static LocalMailServer start(String host, int smtpPort, int imapPort) {
        GreenMail server = new GreenMail(new ServerSetup[]{new ServerSetup(smtpPort, host, ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(imapPort, host, ServerSetup.PROTOCOL_IMAP)});
        server.start();
        return new LocalMailServer(server, smtpPort, imapPort);
    }

    public int smtpPort() {
        return smtpPort;
    }

    public int imapPort() {
        return imapPort;
    }

    /** Every message received since the start, in arrival order. */
    public List<MimeMessage> received() {
        return List.of(server.getReceivedMessages());
    }

    @Override
    public void close() {
        server.stop();
    }
}
