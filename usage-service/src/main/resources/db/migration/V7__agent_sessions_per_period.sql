-- Issue 13 point 6: an agent session counts once per session id and period (the UTC calendar month, the period of
-- quota months and budgets), whatever days, end users or models its events span. The row records where it was
-- counted: the day, end user and model of its first event recorded in that month (so rollups and the raw-event
-- summary agree), and when that event occurred and was recorded (so a summary of [from, to) and one restricted to
-- events recorded before an instant count the same sessions as the rollups would).
CREATE TABLE agent_session_periods (
    org_id       text NOT NULL,
    environment  text NOT NULL,
    month        date NOT NULL,
    session_id   text NOT NULL,
    day          date NOT NULL,
    end_user_id  text NOT NULL,
    model        text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, environment, month, session_id)
);
CREATE INDEX agent_session_periods_day ON agent_session_periods (org_id, environment, occurred_at);

-- Sessions counted so far (per day, end user and model) stay counted where they are; from now on a session is
-- counted once per month. Existing sessions are carried over so that one already counted this month is not
-- counted again.
INSERT INTO agent_session_periods (org_id, environment, month, session_id, day, end_user_id, model, occurred_at,
                                   recorded_at)
SELECT DISTINCT ON (org_id, environment, date_trunc('month', day)::date, session_id)
       org_id, environment, date_trunc('month', day)::date, session_id, day, end_user_id, model,
       day::timestamp AT TIME ZONE 'UTC', day::timestamp AT TIME ZONE 'UTC'
FROM agent_sessions
ORDER BY org_id, environment, date_trunc('month', day)::date, session_id, day, end_user_id, model;
