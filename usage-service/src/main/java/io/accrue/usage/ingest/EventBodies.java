package io.accrue.usage.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.accrue.common.error.ApiException;

/**
 * Splits a request body into its events in one pass over the bytes (issue 16: the body used to become a
 * {@code JsonNode} tree and each event a second tree walk). Each event is kept as a {@link TokenBuffer} — the
 * parser's tokens, no maps — so {@link IngestService} binds it to a {@code UsageEventRequest} on its own and a bad
 * event never sinks the batch. The answers for a malformed body are the ones the tree version gave.
 */
final class EventBodies {

    /** The events of a body; an entry is null where the batch held something that is not an object. */
    record Body(boolean batch, List<TokenBuffer> events) {}

    private EventBodies() {
    }

    static Body read(ObjectMapper mapper, byte[] bytes, int maxBatch) throws IOException {
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notAnEvent();
            }
            JsonToken t = p.nextToken();
            if (t == JsonToken.FIELD_NAME && "events".equals(p.currentName())) {
                return new Body(true, batch(p, maxBatch));
            }
            // One event (or a batch whose "events" is not its first field, read below as the tree version did).
            TokenBuffer event = new TokenBuffer(p);
            event.writeStartObject();
            boolean hasEvents = false;
            for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                hasEvents |= "events".equals(p.currentName());
                event.writeFieldName(p.currentName());
                p.nextToken();
                event.copyCurrentStructure(p);
            }
            event.writeEndObject();
            if (hasEvents) {
                JsonNode tree;
                try (JsonParser buffered = event.asParser(p)) {
                    tree = mapper.readTree(buffered);
                }
                return new Body(true, batch(tree, maxBatch));
            }
            return new Body(false, List.of(event));
        }
    }

    /** The batch after its leading "events" field name: buffered element by element. */
    private static List<TokenBuffer> batch(JsonParser p, int maxBatch) throws IOException {
        List<TokenBuffer> events = null;
        int count = 0;
        boolean array = false;
        for (JsonToken t = JsonToken.FIELD_NAME; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            if (!"events".equals(p.currentName())) {
                throw unknownField(p.currentName());
            }
            // a repeated "events" replaces the earlier one, as it did in the tree
            events = new ArrayList<>();
            count = 0;
            array = p.nextToken() == JsonToken.START_ARRAY;
            if (!array) {
                p.skipChildren();
                continue;
            }
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                count++;
                if (count > maxBatch) {
                    p.skipChildren();
                } else if (e == JsonToken.START_OBJECT) {
                    TokenBuffer b = new TokenBuffer(p);
                    b.copyCurrentStructure(p);
                    events.add(b);
                } else {
                    p.skipChildren();
                    events.add(null);
                }
            }
        }
        return checked(array, count, events, maxBatch);
    }

    private static List<TokenBuffer> batch(JsonNode body, int maxBatch) throws IOException {
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!"events".equals(f)) {
                throw unknownField(f);
            }
        }
        JsonNode events = body.get("events");
        List<TokenBuffer> out = new ArrayList<>(events.size());
        for (JsonNode e : events) {
            if (out.size() >= maxBatch) {
                break;
            }
            if (e.isObject()) {
                TokenBuffer b = new TokenBuffer(null, false);
                try (JsonParser p = e.traverse()) {
                    p.nextToken();
                    b.copyCurrentStructure(p);
                }
                out.add(b);
            } else {
                out.add(null);
            }
        }
        return checked(events.isArray(), events.size(), out, maxBatch);
    }

    private static List<TokenBuffer> checked(boolean array, int count, List<TokenBuffer> events, int maxBatch) {
        if (!array || count == 0) {
            throw ApiException.unprocessable("batch_empty", "events must be a non-empty array.");
        }
        if (count > maxBatch) {
            throw ApiException.unprocessable("batch_too_large",
                    "A batch holds at most " + maxBatch + " events; this one has " + count + ".");
        }
        return events;
    }

    private static ApiException notAnEvent() {
        return ApiException.badRequest("bad_request", "Send one event object or {\"events\": [...]}.");
    }

    private static ApiException unknownField(String f) {
        return new ApiException(400, "unknown_field", "Unknown field",
                "Field '" + f + "' is not part of a batch; unknown fields are rejected.");
    }

    /**
     * The {@code eventId} an event names, read only when it is rejected before binding (as the tree version read
     * it: a scalar's text, "" for an object or array, null when absent or null; the last of repeated fields).
     */
    static String rawEventId(TokenBuffer event) {
        String id = null;
        try (JsonParser p = event.asParser()) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                boolean isId = "eventId".equals(p.currentName());
                JsonToken v = p.nextToken();
                if (isId) {
                    id = v == JsonToken.VALUE_NULL ? null : v.isScalarValue() ? p.getText() : "";
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return id;
        }
        return id;
    }
}
