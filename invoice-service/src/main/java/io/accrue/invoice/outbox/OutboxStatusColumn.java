package io.accrue.invoice.outbox;

import jakarta.persistence.Converter;

import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.state.WireColumn;

/** Stores common's {@link OutboxStatus} as its wire value, the values of the outbox's CHECK constraint. */
@Converter(autoApply = true)
public class OutboxStatusColumn extends WireColumn<OutboxStatus> {
    public OutboxStatusColumn() {
        super(OutboxStatus.class);
    }
}
