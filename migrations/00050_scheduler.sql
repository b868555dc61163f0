-- +goose Up

-- Delivery bookkeeping, so a row with several recipients (an org unit's secretaries) never sends
-- twice to one of them, and a send cut off by a crash is repeated at most once:
--   delivered: the targets ("member:12", "group:第一党支部") already sent;
--   in_flight: the target being sent right now (set just before the platform call, cleared when
--              recorded); still set on a stale claim = that send may or may not have happened;
--   repeats:   how many such uncertain sends were repeated (at most one per row).
ALTER TABLE outbox
    ADD COLUMN delivered text[] NOT NULL DEFAULT '{}',
    ADD COLUMN in_flight text,
    ADD COLUMN repeats integer NOT NULL DEFAULT 0;

-- The alerts group of an org unit, set by its secretary with 设为提醒群 in that group. On WeChat
-- a group's handle changes at every login: the name is what the adapter finds it by again.
CREATE TABLE alert_groups (
    org_unit_id  bigint PRIMARY KEY REFERENCES org_units (id),
    platform     text NOT NULL,
    account      text NOT NULL,
    group_handle text NOT NULL,
    group_name   text NOT NULL CHECK (group_name <> ''),
    set_by       bigint REFERENCES members (id),
    set_at       timestamptz NOT NULL DEFAULT now()
);

-- Member-level conditions already reported to the secretary (a stay of 3 months without inflow
-- registration, ...): jobs list only newly marked members in one message per org unit.
CREATE TABLE alert_marks (
    kind       text NOT NULL,
    member_id  bigint NOT NULL REFERENCES members (id),
    period     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, period, kind)
);

-- 正当理由: a justified absence (illness, ...) recorded by the secretary; the six-month warnings
-- are suspended from starts_on through until_on (both inclusive, dates in the configured zone).
CREATE TABLE justified_absences (
    id          bigserial PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES members (id),
    reason      text NOT NULL CHECK (reason <> ''),
    starts_on   date NOT NULL,
    until_on    date NOT NULL CHECK (until_on >= starts_on),
    recorded_by bigint REFERENCES members (id),
    inbound_id  bigint REFERENCES inbound_messages (id),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX justified_absences_member ON justified_absences (member_id, until_on);

-- +goose Down
DROP TABLE justified_absences;
DROP TABLE alert_marks;
DROP TABLE alert_groups;
ALTER TABLE outbox DROP COLUMN repeats, DROP COLUMN in_flight, DROP COLUMN delivered;
