package io.accrue.invoice.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cuts a subscription's event timeline into the plan segments of one period (for proration). Pure.
 *
 * <p>
 * An event naming a plan version puts that version in effect from its {@code effectiveAt}; an event moving to
 * {@code canceled} ends service; only a later status move (to {@code active}, a reactivation) resumes it. Every
 * subscription-service event names the plan in effect, so a plan alone starts service only before any status is
 * known: a cancellation recorded late (effective before a renewal or billing-mode event already on the timeline)
 * is not undone by the events that follow it. Events before the period
 * decide what is in effect at its start. An account without any event is billed for the plan of its
 * subscription over the whole period: the subscription is the authority when it has no history to correct it.
 */
public final class Timeline {

    private static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");

    private Timeline() {
    }

    /** @param currency the currency in effect after the event (null when the source did not say) */
    public record Event(Instant effectiveAt, String planSlug, Integer planVersion, String toStatus, String currency) {

        public Event(Instant effectiveAt, String planSlug, Integer planVersion, String toStatus) {
            this(effectiveAt, planSlug, planVersion, toStatus, null);
        }
    }

    public record PlanRef(String slug, int version) {}

    public record Segment(Instant from, Instant to, PlanRef plan) {}

    public static List<Segment> segments(List<Event> events, Period period, PlanRef currentPlan) {
        if (events.isEmpty()) {
            return currentPlan == null ? List.of() : List.of(new Segment(period.start(), period.end(), currentPlan));
        }
        List<Event> sorted = events.stream().filter(e -> e.effectiveAt() != null)
                .sorted(Comparator.comparing(Event::effectiveAt)).toList();
        PlanRef plan = null;
        boolean active = false;
        boolean statusKnown = false;
        Instant cursor = period.start();
        List<Segment> out = new ArrayList<>();
        for (Event e : sorted) {
            if (!e.effectiveAt().isBefore(period.end())) {
                break;
            }
            boolean wasBilling = active && plan != null;
            PlanRef before = plan;
            if (e.planSlug() != null && e.planVersion() != null) {
                plan = new PlanRef(e.planSlug(), e.planVersion());
                active = active || !statusKnown;
            }
            if (e.toStatus() != null) {
                active = !ENDED.contains(e.toStatus());
                statusKnown = true;
            }
            if (e.effectiveAt().isAfter(cursor)) {
                if (wasBilling) {
                    out.add(new Segment(cursor, e.effectiveAt(), before));
                }
                cursor = e.effectiveAt();
            }
        }
        if (active && plan != null) {
            out.add(new Segment(cursor, period.end(), plan));
        }
        return merge(out);
    }

    /**
     * The currency in effect at {@code at}: that of the last event effective at or before it (events sharing an
     * instant keep the order they were recorded in, so a switch applied at a boundary wins over the plan change
     * recorded just before it). An instant before the first event that names a currency (the first period of an
     * account provisioned after its start) has the first known currency: the account was provisioned in it, and
     * falling back to the subscription's currency of today would price that period's late usage in a currency it
     * switched to later. Empty when no event says.
     */
    public static Optional<String> currencyAt(List<Event> events, Instant at) {
        String currency = null;
        String first = null;
        for (Event e : events.stream().filter(e -> e.effectiveAt() != null)
                .sorted(Comparator.comparing(Event::effectiveAt)).toList()) {
            if (e.currency() == null) {
                continue;
            }
            if (first == null) {
                first = e.currency();
            }
            if (e.effectiveAt().isAfter(at)) {
                break;
            }
            currency = e.currency();
        }
        return Optional.ofNullable(currency != null ? currency : first);
    }

    /**
     * The windows whose usage each segment's plan prices: from the segment's start (the period start for the
     * first) to the next segment's start (the period end for the last). They cover the whole period, so usage
     * recorded after a cancellation or in a gap between segments is never lost: it belongs to the plan in effect
     * before it.
     */
    public static List<Segment> usageWindows(List<Segment> segments, Period period) {
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Instant from = i == 0 ? period.start() : segments.get(i).from();
            Instant to = i == segments.size() - 1 ? period.end() : segments.get(i + 1).from();
            out.add(new Segment(from, to, segments.get(i).plan()));
        }
        return out;
    }

    /** Adjacent segments of the same plan become one (a status event without a change is not a proration). */
    private static List<Segment> merge(List<Segment> segments) {
        List<Segment> merged = new ArrayList<>();
        for (Segment s : segments) {
            if (!merged.isEmpty()) {
                Segment last = merged.get(merged.size() - 1);
                if (last.plan().equals(s.plan()) && last.to().equals(s.from())) {
                    merged.set(merged.size() - 1, new Segment(last.from(), s.to(), s.plan()));
                    continue;
                }
            }
            merged.add(s);
        }
        return merged;
    }
}
