package io.accrue.usage.client;

import java.util.Map;

/**
 * A billing event as subscription-service's {@code POST /v1/billing-events} takes it (docs/internal-apis.md):
 * {@code occurredAt} an ISO-8601 instant, {@code data} the event's payload (docs/webhooks.md).
 */
public record BillingEventRequest(String id, String orgId, String type, String occurredAt, Map<String, Object> data) {}
