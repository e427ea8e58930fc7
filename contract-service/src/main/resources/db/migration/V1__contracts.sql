-- Enterprise contracts: one row per contract, its commercial terms in versions (an amendment is a new
-- version effective from an instant), every status change in an append-only transition log.

-- btree_gist lets one exclusion constraint combine equality on org_id with overlap of the term range.
-- It is a trusted extension (PostgreSQL 13+): a database owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE contracts (
    id             UUID         PRIMARY KEY,
    org_id         VARCHAR(64)  NOT NULL,
    status         VARCHAR(16)  NOT NULL CHECK (status IN ('draft', 'active', 'expired', 'terminated', 'renewed')),
    currency       CHAR(3)      NOT NULL,
    term_start     TIMESTAMPTZ  NOT NULL,
    term_end       TIMESTAMPTZ  NOT NULL,
    -- term_end, or the termination instant once terminated: the end of the time the contract governed
    effective_end  TIMESTAMPTZ  NOT NULL,
    renewal_of     UUID         REFERENCES contracts (id),
    created_at     TIMESTAMPTZ  NOT NULL,
    created_by     VARCHAR(255) NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL,
    version        BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT contracts_term_ordered CHECK (term_start < term_end),
    CONSTRAINT contracts_effective_end_in_term CHECK (effective_end > term_start AND effective_end <= term_end),
    -- The database, not only the service, refuses two non-draft contracts of one organisation governing
    -- the same instant: the terms lookup must never have two answers.
    CONSTRAINT contracts_no_overlap EXCLUDE USING gist (
        org_id WITH =, tstzrange(term_start, effective_end, '[)') WITH &&) WHERE (status <> 'draft')
);
CREATE INDEX contracts_org_page ON contracts (org_id, created_at, id);
-- one renewal per contract
CREATE UNIQUE INDEX contracts_one_renewal ON contracts (renewal_of) WHERE renewal_of IS NOT NULL;

CREATE TABLE contract_versions (
    id                 UUID          PRIMARY KEY,
    contract_id        UUID          NOT NULL REFERENCES contracts (id),
    number             INT           NOT NULL CHECK (number >= 1),
    effective_from     TIMESTAMPTZ   NOT NULL,
    commitment_amount  NUMERIC(24,12) NOT NULL CHECK (commitment_amount >= 0),
    commitment_period  VARCHAR(16)   NOT NULL CHECK (commitment_period IN ('whole_term', 'annual', 'quarterly', 'monthly')),
    prepaid_credits    NUMERIC(24,12) NOT NULL CHECK (prepaid_credits >= 0),
    custom_terms       TEXT,
    document_ref       VARCHAR(500),
    reason             TEXT,
    created_at         TIMESTAMPTZ   NOT NULL,
    created_by         VARCHAR(255)  NOT NULL,
    CONSTRAINT contract_versions_number UNIQUE (contract_id, number),
    CONSTRAINT contract_versions_effective UNIQUE (contract_id, effective_from)
);

CREATE TABLE contract_rates (
    version_id   UUID           NOT NULL REFERENCES contract_versions (id) ON DELETE CASCADE,
    position     INT            NOT NULL,
    target_type  VARCHAR(8)     NOT NULL CHECK (target_type IN ('model', 'meter')),
    target       VARCHAR(200)   NOT NULL,
    kind         VARCHAR(20)    NOT NULL CHECK (kind IN ('discount_percent', 'fixed_unit_price')),
    value        NUMERIC(24,12) NOT NULL CHECK (value >= 0),
    PRIMARY KEY (version_id, position),
    CONSTRAINT contract_rates_one_per_target UNIQUE (version_id, target_type, target)
);

CREATE TABLE contract_minimums (
    version_id  UUID           NOT NULL REFERENCES contract_versions (id) ON DELETE CASCADE,
    position    INT            NOT NULL,
    period      VARCHAR(16)    NOT NULL CHECK (period IN ('monthly', 'quarterly', 'annual')),
    amount      NUMERIC(24,12) NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (version_id, position),
    CONSTRAINT contract_minimums_one_per_period UNIQUE (version_id, period)
);

-- Append-only: who moved the contract, from what to what, and why.
CREATE TABLE contract_transitions (
    id           BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id  UUID          NOT NULL REFERENCES contracts (id),
    from_status  VARCHAR(16),
    to_status    VARCHAR(16)   NOT NULL,
    action       VARCHAR(20)   NOT NULL,
    reason       TEXT          NOT NULL,
    actor        VARCHAR(255)  NOT NULL,
    occurred_at  TIMESTAMPTZ   NOT NULL
);
CREATE INDEX contract_transitions_by_contract ON contract_transitions (contract_id, id);
