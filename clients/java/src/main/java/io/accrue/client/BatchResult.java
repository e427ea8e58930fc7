package io.accrue.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The answer to one batch: counts and one {@link EventResult} per event, in the order sent. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchResult(int accepted, int duplicates, int rejected, Integer queued, List<EventResult> results) {

    public int queuedCount() {
        return queued == null ? 0 : queued;
    }
}
