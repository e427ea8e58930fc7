package io.accrue.usage.stream;

import java.math.BigDecimal;

/**
 * What one minute's events of a {@link MinuteKey} add up to. Tokens as {@code usage_events} holds them: input and
 * output totals, then the parts of each; cost an exact decimal of the key's currency. Every event adds one to
 * {@code events}, so of two totals of the same minute the one with more events is the later (the sink keeps it).
 */
record MinuteTotals(long events, long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
        long cacheWrite1hTokens, long audioInputTokens, long audioOutputTokens, long imageInputTokens,
        long imageOutputTokens, long reasoningTokens, long toolCalls, long unpricedEvents, BigDecimal cost) {

    static final MinuteTotals NONE = new MinuteTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    MinuteTotals plus(LoggedBatch.Event e) {
        LoggedBatch.Counts m = e.metered();
        return new MinuteTotals(events + 1, inputTokens + m.inputTokens(), outputTokens + m.outputTokens(),
                cacheReadTokens + m.cacheReadTokens(), cacheWriteTokens + m.cacheWriteTokens(),
                cacheWrite1hTokens + m.cacheWrite1hTokens(), audioInputTokens + m.audioInputTokens(),
                audioOutputTokens + m.audioOutputTokens(), imageInputTokens + m.imageInputTokens(),
                imageOutputTokens + m.imageOutputTokens(), reasoningTokens + m.reasoningTokens(),
                toolCalls + e.request().tools(), unpricedEvents + (e.unpriced() ? 1 : 0), cost.add(e.cost()));
    }
}
