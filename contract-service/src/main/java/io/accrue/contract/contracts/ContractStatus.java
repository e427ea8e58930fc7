package io.accrue.contract.contracts;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code draft → active → expired | terminated | renewed}. Only a draft is editable. */
public enum ContractStatus {
    draft, active, expired, terminated, renewed;

    @JsonValue
    public String json() {
        return name();
    }
}
