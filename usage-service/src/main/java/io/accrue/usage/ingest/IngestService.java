package io.accrue.usage.ingest;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.accrue.common.security.Environment;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.pricing.PriceCatalog;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;
import io.accrue.usage.rating.Metered;
import io.accrue.usage.rating.Rating;

/**
 * Validates and prices each event on its own (a bad event never sinks the batch), then hands the priced events
 * to {@link IngestWriter} (through {@link GroupCommit}), which claims the idempotency keys, computes revenue and
 * moves rollups and quota counters in one transaction.
 */
@ApplicationScoped
public class IngestService {

    private final ObjectReader reader;
    private final Validator validator;
    private final PriceCatalog catalog;
    private final GroupCommit writer;
    private final UsageLog log;
    private final UsageConfig config;
    private final Clock clock;

    IngestService(ObjectMapper mapper, Validator validator, PriceCatalog catalog, GroupCommit writer, UsageLog log,
            UsageConfig config, Clock clock) {
        this.log = log;
        this.reader = mapper.readerFor(UsageEventRequest.class);
        this.validator = validator;
        this.catalog = catalog;
        this.writer = writer;
        this.config = config;
        this.clock = clock;
    }

    /** The events of one request, each as {@link EventBodies} buffered it (null: not a JSON object). */
    public List<EventResult> ingest(String orgId, Environment env, List<TokenBuffer> events) {
        Instant now = clock.instant();
        EventResult[] results = new EventResult[events.size()];
        List<RatedEvent> rated = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        // One catalog lookup per model spelling and batch: a batch names a handful of models, and all its events
        // are rated from the same snapshot.
        Map<String, Optional<PriceCatalog.ResolvedModel>> models = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Object outcome = price(i, events.get(i), now, models);
            if (outcome instanceof EventResult rejected) {
                results[i] = rejected;
            } else {
                RatedEvent e = (RatedEvent) outcome;
                if (!seen.add(e.request().eventId())) {
                    // The same id twice in one batch: the first occurrence claims it.
                    results[i] = EventResult.duplicate(i, e.request().eventId());
                } else {
                    rated.add(e);
                }
            }
        }
        answerOldReplaysDuplicate(orgId, env, results);
        if (!rated.isEmpty()) {
            PricedBatch batch = new PricedBatch(orgId, env.wireName(), now, rated);
            for (EventResult r : log.enabled() ? log.append(batch) : writer.write(batch)) {
                results[r.index()] = r;
            }
        }
        return List.of(results);
    }

    /**
     * design.md invariant 1: a replay answers {@code duplicate}. An event whose {@code occurredAt} has left the
     * late-event window since it was accepted (a gateway retrying after a long outage) is a replay, not usage
     * refused: it answers duplicate. One read for the batch's too-old ids, before any transaction.
     */
    private void answerOldReplaysDuplicate(String orgId, Environment env, EventResult[] results) {
        List<String> tooOld = new ArrayList<>();
        for (EventResult r : results) {
            if (r != null && TOO_OLD.equals(r.code()) && r.eventId() != null) {
                tooOld.add(r.eventId());
            }
        }
        if (tooOld.isEmpty()) {
            return;
        }
        Set<String> recorded = writer.recorded(orgId, env.wireName(), tooOld);
        for (int i = 0; i < results.length; i++) {
            EventResult r = results[i];
            if (r != null && TOO_OLD.equals(r.code()) && recorded.contains(r.eventId())) {
                results[i] = EventResult.duplicate(i, r.eventId());
            }
        }
    }

    private static final String TOO_OLD = "event_too_old";

    private Object price(int index, TokenBuffer event, Instant now,
            Map<String, Optional<PriceCatalog.ResolvedModel>> models) {
        UsageEventRequest r;
        if (event == null) {
            return EventResult.rejected(index, null, "invalid_event", "An event is a JSON object.");
        }
        try (JsonParser p = event.asParser()) {
            r = reader.readValue(p);
        } catch (UnrecognizedPropertyException e) {
            String rawId = EventBodies.rawEventId(event);
            return EventResult.rejected(index, rawId, "unknown_field", "Field '" + e.getPropertyName()
                    + "' is not part of a usage event; unknown fields are rejected.");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String rawId = EventBodies.rawEventId(event);
            String field = e.getPath().stream().map(ref -> ref.getFieldName() != null
                    ? ref.getFieldName()
                    : "[" + ref.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
            return EventResult.rejected(index, rawId, "invalid_value", "Field '" + field
                    + "' has a value of the wrong type or format (or a NUL character, which cannot be stored).");
        } catch (IOException | IllegalArgumentException e) {
            return EventResult.rejected(index, EventBodies.rawEventId(event), "invalid_value",
                    "A field has a value of the wrong type or format.");
        }
        Set<ConstraintViolation<UsageEventRequest>> violations = PlainlyValid.event(r)
                ? Set.of()
                : validator.validate(r);
        if (!violations.isEmpty()) {
            return EventResult.rejected(index, r.eventId(), "validation_failed", violations.stream()
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted().collect(Collectors.joining("; ")));
        }
        if (r.occurredAt().isBefore(now.minus(config.ingest().lateWindow()))) {
            return EventResult.rejected(index, r.eventId(), TOO_OLD,
                    "occurredAt is older than the late-event window ("
                            + config.ingest().lateWindow() + "); such usage can no longer be recorded.");
        }
        if (r.occurredAt().isAfter(now.plus(config.ingest().futureSkew()))) {
            return EventResult.rejected(index, r.eventId(), "event_in_future",
                    "occurredAt is more than " + config.ingest().futureSkew() + " ahead of the server clock.");
        }
        Object measured = measure(index, r);
        if (measured instanceof EventResult rejected) {
            return rejected;
        }
        Metered metered = (Metered) measured;
        Optional<PriceCatalog.ResolvedModel> model = models.computeIfAbsent(r.model(), catalog::resolve);
        if (model.isPresent() && r.provider() != null && !r.provider().equalsIgnoreCase(model.get().providerId())) {
            // the catalog's provider is the one recorded: a different one sent would be silently replaced
            return EventResult.rejected(index, r.eventId(), "provider_mismatch", "provider '" + r.provider()
                    + "' is not the catalog's provider of model '" + model.get().modelId() + "' ('"
                    + model.get().providerId() + "'); leave it out or send the catalog's.");
        }
        Optional<Prices> prices = model.flatMap(m -> m.at(r.occurredAt()));
        Optional<Rating.Rated> rated = prices.map(p -> Rating.rate(p, metered));
        if (rated.isEmpty() || !rated.get().priced()) {
            // A version added afterwards for unpriced usage prices what the one in effect leaves unpriced.
            Optional<Prices> later = model.flatMap(m -> m.forUnpricedAt(r.occurredAt()));
            Optional<Rating.Rated> again = later.map(p -> Rating.rate(p, metered)).filter(Rating.Rated::priced);
            if (again.isPresent()) {
                prices = later;
                rated = again;
            }
        }
        boolean priced = rated.isPresent() && rated.get().priced();
        boolean flagUnknown = "flag".equalsIgnoreCase(config.ingest().unknownModel());
        if (!priced && !flagUnknown) {
            if (model.isEmpty()) {
                return EventResult.rejected(index, r.eventId(), "unknown_model",
                        "Model '" + r.model() + "' is not in the pricing catalog.");
            }
            if (rated.isEmpty()) {
                return EventResult.rejected(index, r.eventId(), "no_price_in_effect",
                        "Model '" + r.model() + "' has no price in effect at " + r.occurredAt() + ".");
            }
            return EventResult.rejected(index, r.eventId(), "dimension_not_priced", "Model '"
                    + model.get().modelId() + "' has no price for " + String.join(", ", rated.get().unpriced())
                    + " in the version in effect at " + r.occurredAt() + "; usage is never recorded as free.");
        }
        BigDecimal cost = priced ? rated.get().cost() : BigDecimal.ZERO.setScale(12);
        if (!priced) {
            prices = Optional.empty(); // recorded unpriced (flag mode): no version rated it
        }
        String canonical = model.map(PriceCatalog.ResolvedModel::modelId).orElse(null);
        String provider = model.map(PriceCatalog.ResolvedModel::providerId)
                .orElse(r.provider() == null ? "unknown" : r.provider());
        Instant t = r.occurredAt();
        var utc = t.atZone(ZoneOffset.UTC);
        return new RatedEvent(index, r, metered, canonical != null ? canonical : r.model(), provider, canonical,
                prices.map(Prices::versionId).orElse(null), prices.map(Prices::currency).orElse(null), cost,
                !priced, t.truncatedTo(ChronoUnit.DAYS),
                utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth()).toInstant(),
                t.truncatedTo(ChronoUnit.MINUTES), priced ? rated.get().parts() : List.of());
    }

    /** The event's counts in Accrue's dimensions: its own fields, or its provider usage object mapped. */
    private static Object measure(int index, UsageEventRequest r) {
        ProviderUsage.Parts parts;
        if (r.usage() != null || r.usageFormat() != null) {
            if (r.hasOwnCounts()) {
                return EventResult.rejected(index, r.eventId(), "usage_ambiguous",
                        "Send either Accrue's token counts or the provider's usage object, not both.");
            }
            try {
                parts = ProviderUsage.map(r.usageFormat(), r.usage());
            } catch (ProviderUsage.Refused e) {
                return EventResult.rejected(index, r.eventId(), e.code, e.getMessage());
            }
        } else {
            parts = new ProviderUsage.Parts(r.input(), r.output(), r.cached(),
                    UsageEventRequest.or0(r.cacheWriteTokens()), UsageEventRequest.or0(r.cacheWrite1hTokens()),
                    UsageEventRequest.or0(r.audioInputTokens()), UsageEventRequest.or0(r.audioOutputTokens()),
                    UsageEventRequest.or0(r.imageInputTokens()), UsageEventRequest.or0(r.imageOutputTokens()),
                    UsageEventRequest.or0(r.reasoningTokens()), null, Map.of());
        }
        String tierName = r.serviceTier() != null ? r.serviceTier() : parts.serviceTier();
        Optional<ServiceTier> tier = ServiceTier.parse(tierName);
        if (tier.isEmpty()) {
            return EventResult.rejected(index, r.eventId(), "unknown_service_tier",
                    "serviceTier '" + tierName + "' is not standard, batch, priority or flex.");
        }
        Map<String, Long> units = new java.util.TreeMap<>(parts.units());
        if (r.units() != null) {
            r.units().forEach((k, v) -> units.merge(k, v, Long::sum));
        }
        Metered m = new Metered(parts.input(), parts.output(), parts.cacheRead(), parts.cacheWrite(),
                parts.cacheWrite1h(), parts.audioInput(), parts.audioOutput(), parts.imageInput(), parts.imageOutput(),
                parts.reasoning(), tier.get(), units);
        if (m.cacheReadTokens() > m.inputTokens()) {
            return EventResult.rejected(index, r.eventId(), "cached_exceeds_input",
                    "cachedTokens is the cached part of inputTokens, so it cannot exceed it.");
        }
        if (m.inputParts() > m.inputTokens() || m.outputParts() > m.outputTokens()) {
            return EventResult.rejected(index, r.eventId(), "token_parts_exceed_total",
                    "Cache, audio and image input tokens are parts of inputTokens, reasoning, audio and image output"
                            + " tokens parts of outputTokens: their sum cannot exceed the total.");
        }
        return m;
    }
}
