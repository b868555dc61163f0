-- +goose Up

-- Organizational life (组织生活) a member attended at the inflow place, as the member reported it.
-- A record counts for the six-month rule as soon as it is recorded (status pending); a secretary
-- confirms it, or rejects it (a rejected record counts for nothing).
CREATE TABLE org_life (
    id            bigserial PRIMARY KEY,
    member_id     bigint NOT NULL REFERENCES members (id),
    held_on       date NOT NULL,
    place         text NOT NULL CHECK (place <> ''),
    province_code text NOT NULL DEFAULT '',
    city_code     text NOT NULL DEFAULT '',
    county_code   text NOT NULL DEFAULT '',
    kind          text NOT NULL CHECK (kind <> ''),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
    source        text NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'secretary')),
    recorded_at   timestamptz NOT NULL,
    inbound_id    bigint REFERENCES inbound_messages (id),
    reviewed_by   bigint REFERENCES members (id),
    reviewed_at   timestamptz,
    review_note   text NOT NULL DEFAULT ''
);
-- One record of a kind per member and day (a resend is recognised), rejected ones aside.
CREATE UNIQUE INDEX org_life_once ON org_life (member_id, held_on, kind) WHERE status <> 'rejected';
CREATE INDEX org_life_member ON org_life (member_id, held_on DESC);

-- The "same place" of a location update: its city, or its county when directly under a province
-- (仙桃), or its province when nothing finer was given. Stays are runs of updates with one place.
ALTER TABLE locations ADD COLUMN place_code text
    GENERATED ALWAYS AS (COALESCE(NULLIF(city_code, ''), NULLIF(county_code, ''), province_code)) STORED;

-- +goose Down
ALTER TABLE locations DROP COLUMN place_code;
DROP TABLE org_life;
