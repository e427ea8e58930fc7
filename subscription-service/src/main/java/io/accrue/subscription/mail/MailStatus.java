package io.accrue.subscription.mail;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** A mail in the outbox: pending until the SMTP server accepted it (sent) or its three days ended (failed). */
public enum MailStatus implements WireValue {
    PENDING, SENT, FAILED;

    /** Only a pending mail moves; sent and failed are final. */
    public boolean mayMoveTo(MailStatus next) {
        return this == PENDING && next != PENDING;
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<MailStatus> {
        public Column() {
            super(MailStatus.class);
        }
    }
}
