package io.accrue.subscription.mail;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An organisation's sender name and reply-to address (V15 {@code mail_settings}); absent: neither is set. */
@Entity
@Table(name = "mail_settings")
public class MailSettings {

    @Id
    @Column(name = "org_id")
    public String orgId;

    @Column(name = "sender_name")
    public String senderName;

    @Column(name = "reply_to")
    public String replyTo;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
