package io.accrue.contract.contracts;

import java.util.Set;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/**
 * The contract lifecycle: {@code draft → active → expired | terminated | renewed} (an expired contract may still be
 * renewed). Only a draft is editable; an amendment keeps a contract active (a new version, not a new state).
 */
public enum ContractStatus implements WireValue {
    DRAFT, ACTIVE, EXPIRED, TERMINATED, RENEWED;

    /** The moves the lifecycle allows; staying (an edit, an amendment, a drafted renewal) is not a move. */
    public boolean mayMoveTo(ContractStatus next) {
        return switch (this) {
            case DRAFT -> next == ACTIVE;
            case ACTIVE -> Set.of(EXPIRED, TERMINATED, RENEWED).contains(next);
            case EXPIRED -> next == RENEWED;
            case TERMINATED, RENEWED -> false;
        };
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<ContractStatus> {
        public Column() {
            super(ContractStatus.class);
        }
    }
}
