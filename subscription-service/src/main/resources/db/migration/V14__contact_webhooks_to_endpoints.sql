-- One delivery system (issue 20.2): billing contacts' webhook URLs, which got their own signed notification of each
-- dunning step (notification_outbox, Accrue-Signature), become webhook endpoints of the hooks package, subscribed to
-- account.status_changed, the billing event every dunning step already published. Nothing is sent twice any more.

-- One endpoint per organisation and URL (contacts may share a URL) of a contact that received dunning notices — the
-- only ones a contact URL was ever sent — unless the organisation registered that URL as an endpoint already (which
-- then receives the events it subscribed to, as before). The signing secret is new (Standard Webhooks, whsec_ and 32
-- random bytes from gen_random_uuid, PostgreSQL's strong random source); nobody has seen it, so docs/webhooks.md tells
-- the owner to rotate it to read one.
CREATE TEMPORARY TABLE migrated_contact_endpoints ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, c.org_id, c.webhook_url AS url,
       left('Migrated from the billing contact webhook of ' || string_agg(c.email, ', ' ORDER BY c.email), 200)
           AS description
FROM billing_contacts c
WHERE c.webhook_url IS NOT NULL AND c.receives_dunning
  AND NOT EXISTS (SELECT 1 FROM webhook_endpoints e
                  WHERE e.org_id = c.org_id AND e.url = c.webhook_url AND e.deleted_at IS NULL)
GROUP BY c.org_id, c.webhook_url;

INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, secret, enabled, created_at, updated_at)
SELECT m.id, m.org_id, m.url, m.description, 'account.status_changed',
       'whsec_' || encode(decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''),
                                 'hex'), 'base64'),
       true, now(), now()
FROM migrated_contact_endpoints m;

INSERT INTO audit_log (id, org_id, actor, action, target, before_state, after_state, at)
SELECT gen_random_uuid(), m.org_id, 'migration:V14', 'webhook_endpoint.created', 'webhook_endpoint:' || m.id, NULL,
       json_build_object('id', m.id, 'url', m.url, 'description', m.description,
                         'eventTypes', json_build_array('account.status_changed'), 'enabled', true)::text,
       now()
FROM migrated_contact_endpoints m;

-- Notifications not yet delivered (attempts left: the old sender tried 10 times) are not lost: the dunning step's
-- account.status_changed event (same organisation, instant and target status) is delivered to the endpoint of that
-- URL, unless a delivery of it to that endpoint exists already; oldest first, so the endpoint's order holds.
INSERT INTO webhook_deliveries (id, event_id, endpoint_id, org_id, status, attempts, next_attempt_at, give_up_at,
                                created_at)
SELECT gen_random_uuid(), p.event_id, p.endpoint_id, p.org_id, 'pending', 0, now(), now() + interval '3 days', now()
FROM (SELECT DISTINCT ON (be.id, e.id) be.id AS event_id, e.id AS endpoint_id, n.org_id, be.seq
      FROM notification_outbox n
      JOIN billing_events be ON be.org_id = n.org_id AND be.type = 'account.status_changed'
           AND be.occurred_at = (n.payload::jsonb ->> 'occurredAt')::timestamptz
           AND be.payload::jsonb ->> 'toStatus' = n.payload::jsonb ->> 'toStatus'
      JOIN webhook_endpoints e ON e.org_id = n.org_id AND e.url = n.url AND e.deleted_at IS NULL AND e.enabled
      WHERE n.delivered_at IS NULL AND n.attempts < 10
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = be.id AND d.endpoint_id = e.id)
      ORDER BY be.id, e.id) p
ORDER BY p.seq, p.endpoint_id;

-- The contact field and the second sender are gone (the API refuses webhookUrl with 400 unsupported_field).
DROP TABLE notification_outbox;
ALTER TABLE billing_contacts DROP COLUMN webhook_url;
