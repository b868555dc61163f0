-- +goose Up

-- The organisation tree: committee (党委) → general branch (党总支, optional) → branch (党支部).
-- path is "/1/5/9/": the ids from the root, so a subtree is one prefix match.
CREATE TABLE org_units (
    id         bigserial PRIMARY KEY,
    parent_id  bigint REFERENCES org_units (id),
    kind       text NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch')),
    name       text NOT NULL CHECK (name <> ''),
    region     text NOT NULL DEFAULT '',
    path       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX org_units_root_name ON org_units (name) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX org_units_child_name ON org_units (parent_id, name) WHERE parent_id IS NOT NULL;
CREATE INDEX org_units_path ON org_units (path text_pattern_ops);

-- A member's branch_id is the org unit holding the formal relationship (for 流入 members:
-- the inflow branch that registered them). Domain vocabulary is stored as the official labels.
CREATE TABLE members (
    id                 bigserial PRIMARY KEY,
    branch_id          bigint NOT NULL REFERENCES org_units (id),
    name               text NOT NULL CHECK (name <> ''),
    gender             text NOT NULL CHECK (gender IN ('男', '女')),
    birth_date         date NOT NULL,
    education          text NOT NULL CHECK (education IN ('研究生', '大学本科', '大学专科', '中专', '高中', '初中及以下')),
    joined_on          date,
    phone_enc          bytea,
    category           text NOT NULL DEFAULT '' CHECK (category IN ('', '在职', '离退休', '农民', '学生', '失业', '个体')),
    monthly_income_fen bigint CHECK (monthly_income_fen >= 0),
    mobility           text NOT NULL DEFAULT '' CHECK (mobility IN ('', '流出', '流入')),
    employer           text NOT NULL DEFAULT '',
    duty               text NOT NULL DEFAULT '' CHECK (duty IN ('', '书记', '委员')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The roster's identity: 姓名 + 所在党支部 + 出生日期.
CREATE UNIQUE INDEX members_identity ON members (name, branch_id, birth_date);
CREATE INDEX members_branch ON members (branch_id);

CREATE TABLE roles (
    member_id   bigint NOT NULL REFERENCES members (id),
    org_unit_id bigint NOT NULL REFERENCES org_units (id),
    role        text NOT NULL CHECK (role IN ('secretary')),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, org_unit_id, role)
);
CREATE INDEX roles_org_unit ON roles (org_unit_id);

-- Departures (外出) and returns (返乡): "away" at a date is a departure with no return by then.
CREATE TABLE departures (
    id            bigserial PRIMARY KEY,
    member_id     bigint NOT NULL REFERENCES members (id),
    departed_on   date NOT NULL,
    place         text NOT NULL DEFAULT '',
    province_code text NOT NULL DEFAULT '',
    city_code     text NOT NULL DEFAULT '',
    county_code   text NOT NULL DEFAULT '',
    reason        text NOT NULL DEFAULT '其他' CHECK (reason IN ('务工', '经商', '求学', '其他')),
    returned_on   date CHECK (returned_on IS NULL OR returned_on >= departed_on),
    source        text NOT NULL CHECK (source IN ('roster', 'chat', 'secretary')),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departures_open ON departures (member_id) WHERE returned_on IS NULL;
CREATE INDEX departures_member ON departures (member_id, departed_on);

-- Location updates. Coordinates are kept rounded (or not at all): location history is sensitive.
CREATE TABLE locations (
    id            bigserial PRIMARY KEY,
    member_id     bigint NOT NULL REFERENCES members (id),
    reported_at   timestamptz NOT NULL,
    province_code text NOT NULL,
    city_code     text NOT NULL DEFAULT '',
    county_code   text NOT NULL DEFAULT '',
    label         text NOT NULL,
    lat           numeric(8, 2),
    lng           numeric(8, 2),
    source        text NOT NULL CHECK (source IN ('text', 'share', 'roster'))
);
CREATE INDEX locations_member_time ON locations (member_id, reported_at DESC);

-- A chat account bound to a member. On WeChat the handle (UserName) changes at every login:
-- nickname, avatar id and remark are kept as hints to re-resolve it.
CREATE TABLE chat_identities (
    id           bigserial PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES members (id),
    platform     text NOT NULL,
    account      text NOT NULL,
    handle       text NOT NULL,
    nickname     text NOT NULL DEFAULT '',
    avatar_id    text NOT NULL DEFAULT '',
    remark       text NOT NULL DEFAULT '',
    needs_verify boolean NOT NULL DEFAULT false,
    bound_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    UNIQUE (platform, account, handle),
    UNIQUE (platform, account, member_id)
);

-- Binding codes are stored as keyed hashes; a live code's hash is unique.
CREATE TABLE binding_codes (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    code_hash  text NOT NULL,
    issued_by  text NOT NULL,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    used_by    text,
    revoked_at timestamptz
);
CREATE UNIQUE INDEX binding_codes_live ON binding_codes (code_hash) WHERE used_at IS NULL AND revoked_at IS NULL;
CREATE INDEX binding_codes_member ON binding_codes (member_id);

-- Every inbound message, stored before it is handled; (platform, account, message_id) dedupes.
CREATE TABLE inbound_messages (
    id              bigserial PRIMARY KEY,
    platform        text NOT NULL,
    account         text NOT NULL,
    message_id      text NOT NULL,
    sender          text NOT NULL,
    sender_nick     text NOT NULL DEFAULT '',
    group_handle    text NOT NULL DEFAULT '',
    group_name      text NOT NULL DEFAULT '',
    text            text NOT NULL DEFAULT '',
    truncated       boolean NOT NULL DEFAULT false,
    original_runes  integer NOT NULL DEFAULT 0,
    location        jsonb,
    member_id       bigint REFERENCES members (id),
    received_at     timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    command         text NOT NULL DEFAULT '',
    outcome         text NOT NULL DEFAULT '',
    handled_at      timestamptz,
    UNIQUE (platform, account, message_id)
);
CREATE INDEX inbound_messages_unhandled ON inbound_messages (received_at) WHERE handled_at IS NULL;

-- Append-only: every secretary command and every change to a member's record.
CREATE TABLE audit_log (
    id               bigserial PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT now(),
    actor            text NOT NULL,
    actor_member_id  bigint REFERENCES members (id),
    action           text NOT NULL,
    org_unit_id      bigint REFERENCES org_units (id),
    target_member_id bigint REFERENCES members (id),
    inbound_id       bigint REFERENCES inbound_messages (id),
    detail           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_target ON audit_log (target_member_id, at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The outbox: every notification is a row; (kind, recipient, period) is sent at most once.
-- recipient is "member:ID" (private chat) or "org:ID" (the org unit's alerts group, or its
-- secretaries when it has none).
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    recipient   text NOT NULL,
    period      text NOT NULL,
    member_id   bigint REFERENCES members (id),
    org_unit_id bigint REFERENCES org_units (id),
    body        text NOT NULL,
    image       bytea,
    quiet_hours boolean NOT NULL DEFAULT true,
    not_before  timestamptz NOT NULL DEFAULT now(),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text NOT NULL DEFAULT '',
    claimed_at  timestamptz,
    sent_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, recipient, period),
    CHECK ((member_id IS NULL) <> (org_unit_id IS NULL))
);
CREATE INDEX outbox_due ON outbox (not_before) WHERE status IN ('pending', 'sending');

-- +goose Down
DROP TABLE outbox;
DROP TRIGGER audit_log_no_change ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_log;
DROP TABLE inbound_messages;
DROP TABLE binding_codes;
DROP TABLE chat_identities;
DROP TABLE locations;
DROP TABLE departures;
DROP TABLE roles;
DROP TABLE members;
DROP TABLE org_units;
