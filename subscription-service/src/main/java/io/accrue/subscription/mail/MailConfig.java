package io.accrue.subscription.mail;

import io.smallrye.config.ConfigMapping;

/** E-mail to billing contacts (package mail, docs/mail.md). */
@ConfigMapping(prefix = "accrue.mail")
public interface MailConfig {

    /**
     * The From address of every mail (an organisation names only the display name and a reply-to). No production
     * default: a deployment says which address its SMTP server may send as.
     */
    String from();

    /**
     * How often {@link MailSender} looks for due mails (a duration, or {@code off}: tests call it directly). Read by
     * its {@code @Scheduled} expression; declared here so the mapping owns every {@code accrue.mail} key.
     */
    String sendEvery();
}
