package io.accrue.usage.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of subscription-service's account status that quota needs; other fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccountStatus(String orgId, String status) {

    public boolean suspended() {
        return "suspended".equals(status) || "canceled".equals(status);
    }
}
