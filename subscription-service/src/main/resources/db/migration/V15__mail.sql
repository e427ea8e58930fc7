-- E-mail to billing contacts (issue 20.3): each contact says which mails it receives; an organisation names the sender
-- and the reply-to address; every mail waits in an outbox until the SMTP server accepted it.

-- receives_invoices and receives_dunning exist since V4 (the API refused true until mail was sent); two more kinds.
ALTER TABLE billing_contacts ADD COLUMN receives_usage_alerts BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE billing_contacts ADD COLUMN receives_contract_notices BOOLEAN NOT NULL DEFAULT false;

-- The display name in From (the address itself is configuration, accrue.mail.from) and the Reply-To address.
CREATE TABLE mail_settings (
    org_id       VARCHAR(64)   PRIMARY KEY REFERENCES billing_accounts (org_id),
    sender_name  VARCHAR(100),
    reply_to     VARCHAR(320),
    updated_at   TIMESTAMPTZ   NOT NULL
);

-- One mail per billing event and contact, written in the transaction that records the event: a redelivered event
-- enqueues nothing twice (the unique key), a rolled-back one nothing at all. Subject and body are rendered at enqueue,
-- so every retry sends the same text; the invoice PDF (attachment_invoice_id) is fetched at send time. message_id is
-- the Message-ID header of every attempt: SMTP cannot make a send exactly once (a crash between the server's 250 and
-- our commit sends again), so a mail sent twice carries the same Message-ID and a client can drop the copy.
CREATE SEQUENCE mail_outbox_seq;
CREATE TABLE mail_outbox (
    id                     UUID          PRIMARY KEY,
    seq                    BIGINT        NOT NULL DEFAULT nextval('mail_outbox_seq') UNIQUE,
    org_id                 VARCHAR(64)   NOT NULL,
    event_id               VARCHAR(64)   NOT NULL REFERENCES billing_events (id),
    contact_id             UUID          NOT NULL,
    kind                   VARCHAR(32)   NOT NULL CHECK (kind IN ('invoice_issued', 'payment_failed', 'dunning_step',
                                                                 'budget_threshold', 'renewal_reminder')),
    recipient              VARCHAR(320)  NOT NULL,
    sender_name            VARCHAR(100),
    reply_to               VARCHAR(320),
    subject                VARCHAR(300)  NOT NULL,
    body_text              TEXT          NOT NULL,
    body_html              TEXT          NOT NULL,
    attachment_invoice_id  VARCHAR(64),
    attachment_name        VARCHAR(200),
    message_id             VARCHAR(200)  NOT NULL UNIQUE,
    status                 VARCHAR(10)   NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts               INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at        TIMESTAMPTZ   NOT NULL,
    give_up_at             TIMESTAMPTZ   NOT NULL,
    created_at             TIMESTAMPTZ   NOT NULL,
    sent_at                TIMESTAMPTZ,
    last_error             VARCHAR(1000),
    UNIQUE (event_id, contact_id)
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, seq);
