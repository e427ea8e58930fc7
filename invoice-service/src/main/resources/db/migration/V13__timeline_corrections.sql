-- Credit notes issued because the subscription timeline changed after a period was invoiced (issue 13, point 8):
-- e.g. a cancellation effective inside the period, recorded after its close. One row per correcting credit note;
-- the sum per invoice is what timeline corrections have already given back, so a rerun credits only the rest.
CREATE TABLE timeline_corrections (
    id              UUID          PRIMARY KEY,
    org_id          VARCHAR(64)   NOT NULL,
    invoice_id      UUID          NOT NULL REFERENCES invoices (id),
    credit_note_id  UUID          NOT NULL UNIQUE REFERENCES invoices (id),
    amount          NUMERIC(24,4) NOT NULL CHECK (amount > 0),
    basis           VARCHAR(500)  NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL
);
CREATE INDEX timeline_corrections_invoice ON timeline_corrections (invoice_id);
