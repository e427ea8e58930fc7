package io.accrue.subscription.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;

/**
 * {@link MailSender#sendTryingTwice}: a send that fails on its connection alone goes out on the second try; two failures
 * are the attempt's error, named even when the exception has no message.
 */
class SendTryingTwiceTest {

    /** A mailer that fails its first {@code failures} sends with the given exceptions, then accepts. */
    static final class FlakyMailer implements Mailer {
        final List<RuntimeException> failures;
        final List<Mail> accepted = new ArrayList<>();
        int tries;

        FlakyMailer(RuntimeException... failures) {
            this.failures = new ArrayList<>(List.of(failures));
        }

        @Override
        public void send(Mail... mails) {
            tries++;
            if (!failures.isEmpty()) {
                throw failures.remove(0);
            }
            accepted.addAll(List.of(mails));
        }
    }

    private static final Mail MAIL = Mail.withText("ada@example.com", "Invoice", "Hello");

    @Test
    void aMailSentAtOnceIsTriedOnce() {
        FlakyMailer mailer = new FlakyMailer();
        assertNull(MailSender.sendTryingTwice(mailer, MAIL));
        assertEquals(1, mailer.tries);
        assertEquals(List.of(MAIL), mailer.accepted);
    }

    @Test
    void aFirstTryThatFailsOnItsConnectionIsSentOnTheSecond() {
        FlakyMailer mailer = new FlakyMailer(new IllegalStateException("got error response:"));
        assertNull(MailSender.sendTryingTwice(mailer, MAIL));
        assertEquals(2, mailer.tries);
        assertEquals(List.of(MAIL), mailer.accepted);
    }

    @Test
    void twoFailuresAreTheAttemptsErrorAndATimeoutIsNamed() {
        FlakyMailer refused = new FlakyMailer(new IllegalStateException("Connection refused"),
                new IllegalStateException("Connection refused: /127.0.0.1:2525"));
        assertEquals("SMTP: Connection refused: /127.0.0.1:2525", MailSender.sendTryingTwice(refused, MAIL));
        assertEquals(2, refused.tries);
        assertEquals(List.of(), refused.accepted);

        FlakyMailer hanging = new FlakyMailer(new RuntimeException(new TimeoutException()),
                new IllegalStateException((String) null));
        assertEquals("SMTP: java.lang.IllegalStateException", MailSender.sendTryingTwice(hanging, MAIL));
    }
}
