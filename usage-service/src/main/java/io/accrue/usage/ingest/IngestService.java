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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.accrue.common.security.Environment;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.pricing.PriceCatalog;
import io.accrue.usage.pricing.Prices;

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
    private final UsageConfig config;
    private final Clock clock;

    IngestService(ObjectMapper mapper, Validator validator, PriceCatalog catalog, GroupCommit writer,
            UsageConfig config, Clock clock) {
        this.reader = mapper.readerFor(UsageEventRequest.class);
        this.validator = validator;
        this.catalog = catalog;
        this.writer = writer;
        this.config = config;
        this.clock = clock;
    }

    public List<EventResult> ingest(String orgId, Environment env, List<JsonNode> events) {
        Instant now = clock.instant();
        EventResult[] results = new EventResult[events.size()];
        List<RatedEvent> rated = new ArrayList<>(events.size());
        Set<String> seen = new HashSet<>();
        // One catalog lookup per model spelling and batch: a batch names a handful of models, and all its events
        // are rated from the same snapshot.
        Map<String, Optional<PriceCatalog.ResolvedModel>> models = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = events.get(i);
            Object outcome = price(i, node, now, models);
            if (outcome instanceof EventResult rejected) {
                results[i] = rejected;
            } else {
                RatedEvent e = (RatedEvent) outcome;
                if (!seen.add(e.request().eventId())) {
                    // The same id twice in one batch: the first occurrence claims it.
                    String eventId = node.hasNonNull("eventId")
                            ? node.get("eventId").asText()
                            : node.hasNonNull("event_id") ? node.get("event_id").asText() : null;
                    results[i] = EventResult.duplicate(i, eventId);
                } else {
                    rated.add(e);
                }
            }
        }
        if (!rated.isEmpty()) {
            for (EventResult r : writer.write(new PricedBatch(orgId, env.wireName(), now, rated))) {
                results[r.index()] = r;
            }
        }
        return List.of(results);
    }

    private Object price(int index, JsonNode node, Instant now,
            Map<String, Optional<PriceCatalog.ResolvedModel>> models) {
        UsageEventRequest r;
        String rawId = node != null && node.isObject() && node.hasNonNull("eventId")
                ? node.get("eventId").asText()
                : null;
        try {
            if (node == null || !node.isObject()) {
                return EventResult.rejected(index, null, "invalid_event", "An event is a JSON object.");
            }
            r = reader.readValue(node);
        } catch (UnrecognizedPropertyException e) {
            return EventResult.rejected(index, rawId, "unknown_field", "Field '" + e.getPropertyName()
                    + "' is not part of a usage event; unknown fields are rejected.");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String field = e.getPath().stream().map(ref -> ref.getFieldName() != null
                    ? ref.getFieldName()
                    : "[" + ref.getIndex() + "]").collect(Collectors.joining(".")).replace(".[", "[");
            return EventResult.rejected(index, rawId, "invalid_value", "Field '" + field
                    + "' has a value of the wrong type or format (or a NUL character, which cannot be stored).");
        } catch (IOException | IllegalArgumentException e) {
            return EventResult.rejected(index, rawId, "invalid_value",
                    "A field has a value of the wrong type or format.");
        }
        Set<ConstraintViolation<UsageEventRequest>> violations = PlainlyValid.event(r)
                ? Set.of()
                : validator.validate(r);
        if (!violations.isEmpty()) {
            return EventResult.rejected(index, r.eventId(), "validation_failed", violations.stream()
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted().collect(Collectors.joining("; ")));
        }
        if (r.cached() > r.input()) {
            return EventResult.rejected(index, r.eventId(), "cached_exceeds_input",
                    "cachedTokens is the cached part of inputTokens, so it cannot exceed it.");
        }
        if (r.occurredAt().isBefore(now.minus(config.ingest().lateWindow()))) {
            return EventResult.rejected(index, r.eventId(), "event_too_old",
                    "occurredAt is older than the late-event window ("
                            + config.ingest().lateWindow() + "); such usage can no longer be recorded.");
        }
        if (r.occurredAt().isAfter(now.plus(config.ingest().futureSkew()))) {
            return EventResult.rejected(index, r.eventId(), "event_in_future",
                    "occurredAt is more than " + config.ingest().futureSkew() + " ahead of the server clock.");
        }
        Optional<PriceCatalog.ResolvedModel> model = models.computeIfAbsent(r.model(), catalog::resolve);
        Optional<Prices> prices = model.flatMap(m -> m.at(r.occurredAt()));
        boolean flagUnknown = "flag".equalsIgnoreCase(config.ingest().unknownModel());
        if (prices.isEmpty() && !flagUnknown) {
            return model.isEmpty()
                    ? EventResult.rejected(index, r.eventId(), "unknown_model",
                            "Model '" + r.model() + "' is not in the pricing catalog.")
                    : EventResult.rejected(index, r.eventId(), "no_price_in_effect",
                            "Model '" + r.model() + "' has no price in effect at " + r.occurredAt() + ".");
        }
        BigDecimal cost = prices.map(p -> io.accrue.usage.rating.Rating.cost(p, r.input(), r.output(), r.cached(),
                r.units())).orElse(BigDecimal.ZERO.setScale(12));
        String canonical = model.map(PriceCatalog.ResolvedModel::modelId).orElse(null);
        String provider = model.map(PriceCatalog.ResolvedModel::providerId)
                .orElse(r.provider() == null ? "unknown" : r.provider());
        Instant t = r.occurredAt();
        var utc = t.atZone(ZoneOffset.UTC);
        return new RatedEvent(index, r, canonical != null ? canonical : r.model(), provider, canonical,
                prices.map(Prices::versionId).orElse(null), prices.map(Prices::currency).orElse(null), cost,
                prices.isEmpty(), t.truncatedTo(ChronoUnit.DAYS),
                utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.firstDayOfMonth()).toInstant(),
                t.truncatedTo(ChronoUnit.MINUTES));
    }
}
