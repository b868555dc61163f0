-- +goose Up

-- Transfer of the organizational relationship (组织关系接转, 党员教育管理工作条例 2019 art. 25).
-- A member is 已转出 from transferred_out_on (the date of the receiving organization's receipt,
-- 回执): off the branch's lists, reminders, dues and statistics from that day on, archive kept.
-- A member who came by transfer (转入) counts from transferred_in_on.
ALTER TABLE members ADD COLUMN transferred_out_on date, ADD COLUMN transferred_in_on date;

-- The 流入 members with the attributes the statistics count (index-only), now with the dates
-- that say whether a member is counted at a report date.
DROP INDEX members_inflow;
CREATE INDEX members_inflow ON members (branch_id)
    INCLUDE (gender, birth_date, education, category, transferred_out_on, transferred_in_on) WHERE mobility = '流入';

-- A letter (介绍信) out, or one received (in). Out: number is ours, unique in the committee
-- (prefix〔year〕sequence号), org the receiving organization, issued_on/valid_until the letter's
-- dates; status pending until the receipt (received: received_on is the receipt's date) or a
-- cancellation. In: number and org are the sender's, issued_on the day the member was received
-- here; status pending until our receipt went back (received: received_on). stub is the 存根:
-- the member's particulars as the letter gave them.
CREATE TABLE transfers (
    id            bigserial PRIMARY KEY,
    member_id     bigint NOT NULL REFERENCES members (id),
    direction     text NOT NULL CHECK (direction IN ('out', 'in')),
    number        text NOT NULL CHECK (number <> ''),
    org           text NOT NULL CHECK (org <> ''),
    province_code text NOT NULL DEFAULT '',
    city_code     text NOT NULL DEFAULT '',
    county_code   text NOT NULL DEFAULT '',
    issued_on     date NOT NULL,
    valid_until   date CHECK (valid_until IS NULL OR valid_until >= issued_on),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'received', 'cancelled')),
    received_on   date CHECK (received_on IS NULL OR received_on >= issued_on),
    cancelled_on  date,
    cancel_reason text NOT NULL DEFAULT '',
    stub          jsonb NOT NULL DEFAULT '{}',
    issued_by     bigint REFERENCES members (id),
    closed_by     bigint REFERENCES members (id),
    inbound_id    bigint REFERENCES inbound_messages (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (direction = 'in' OR valid_until IS NOT NULL),
    CHECK ((status = 'received') = (received_on IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL AND cancel_reason <> ''))
);
CREATE UNIQUE INDEX transfers_out_number ON transfers (number) WHERE direction = 'out';
-- At most one letter out waiting for its receipt per member.
CREATE UNIQUE INDEX transfers_out_pending ON transfers (member_id) WHERE direction = 'out' AND status = 'pending';
CREATE INDEX transfers_member ON transfers (member_id, id);
CREATE INDEX transfers_pending ON transfers (issued_on) WHERE status = 'pending';

-- Letter numbers: the next sequence of a prefix in a year.
CREATE TABLE transfer_sequences (
    prefix text NOT NULL,
    year   integer NOT NULL,
    last   bigint NOT NULL CHECK (last >= 0),
    PRIMARY KEY (prefix, year)
);

-- The contact person of an organization outside the committee: where our outflow members are
-- registered (side inflow: 流入地联系人), or the home organization of a 流入 member (side home).
-- They are not members; they bind a chat account with a binding code like members do.
CREATE TABLE org_contacts (
    id            bigserial PRIMARY KEY,
    side          text NOT NULL CHECK (side IN ('inflow', 'home')),
    org           text NOT NULL CHECK (org <> ''),
    name          text NOT NULL DEFAULT '',
    phone_enc     bytea,
    province_code text NOT NULL DEFAULT '',
    city_code     text NOT NULL DEFAULT '',
    county_code   text NOT NULL DEFAULT '',
    created_by    bigint REFERENCES members (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX org_contacts_identity ON org_contacts (side, org, name);

-- The members a contact covers: an inflow contact the members registered with his organization,
-- a home contact the 流入 members from his. A link ends (ended_on) when the member leaves it.
CREATE TABLE contact_members (
    id          bigserial PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES org_contacts (id),
    member_id   bigint NOT NULL REFERENCES members (id),
    since       date NOT NULL,
    ended_on    date,
    linked_by   bigint REFERENCES members (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contact_members_live ON contact_members (contact_id, member_id) WHERE ended_on IS NULL;
CREATE INDEX contact_members_member ON contact_members (member_id) WHERE ended_on IS NULL;

-- A contact's chat account, as chat_identities is a member's.
CREATE TABLE contact_identities (
    id           bigserial PRIMARY KEY,
    contact_id   bigint NOT NULL REFERENCES org_contacts (id),
    platform     text NOT NULL,
    account      text NOT NULL,
    handle       text NOT NULL,
    nickname     text NOT NULL DEFAULT '',
    avatar_id    text NOT NULL DEFAULT '',
    remark       text NOT NULL DEFAULT '',
    bound_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz,
    UNIQUE (platform, account, handle),
    UNIQUE (platform, account, contact_id)
);

-- Binding codes are issued for a member or for a contact.
ALTER TABLE binding_codes ALTER COLUMN member_id DROP NOT NULL,
    ADD COLUMN contact_id bigint REFERENCES org_contacts (id),
    ADD CONSTRAINT binding_codes_one_target CHECK ((member_id IS NULL) <> (contact_id IS NULL));

-- Notifications may go to a contact.
ALTER TABLE outbox ADD COLUMN contact_id bigint REFERENCES org_contacts (id),
    DROP CONSTRAINT outbox_check,
    ADD CONSTRAINT outbox_one_recipient CHECK (num_nonnulls(member_id, org_unit_id, contact_id) = 1);

-- Organizational life confirmed or rejected by an inflow contact.
ALTER TABLE org_life ADD COLUMN reviewed_by_contact bigint REFERENCES org_contacts (id);

-- Dues collected at the inflow place and recorded there by its contact.
ALTER TABLE dues_payments ADD COLUMN recorded_by_contact bigint REFERENCES org_contacts (id);

-- A 流入 member's home organization (流出地党组织): where the relationship is, and the
-- certificate it issued, as the roster or the inflow registration (流入登记) gave them.
CREATE TABLE member_homes (
    member_id          bigint PRIMARY KEY REFERENCES members (id),
    org                text NOT NULL CHECK (org <> ''),
    province_code      text NOT NULL DEFAULT '',
    city_code          text NOT NULL DEFAULT '',
    county_code        text NOT NULL DEFAULT '',
    certificate_number text NOT NULL DEFAULT '',
    registered_on      date,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Notices for a 流入 member's home organization whose contact has no chat account bound: the
-- local secretary passes them on (they are listed in his weekly digest).
CREATE TABLE relay_notices (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    kind       text NOT NULL,
    period     text NOT NULL,
    org        text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (kind, member_id, period)
);
CREATE INDEX relay_notices_created ON relay_notices (created_at);

-- The inflow organization's assessment of a member (表现), kept in the archive.
CREATE TABLE inflow_assessments (
    id          bigserial PRIMARY KEY,
    member_id   bigint NOT NULL REFERENCES members (id),
    contact_id  bigint NOT NULL REFERENCES org_contacts (id),
    period      text NOT NULL CHECK (period ~ '^[0-9]{4}H[12]$'),
    text        text NOT NULL CHECK (text <> ''),
    recorded_at timestamptz NOT NULL,
    inbound_id  bigint REFERENCES inbound_messages (id)
);
CREATE INDEX inflow_assessments_member ON inflow_assessments (member_id, recorded_at DESC);

-- Contacts the branch made with a member (已联系): the art. 24 lost-contact clock restarts.
CREATE TABLE member_contacts (
    id           bigserial PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES members (id),
    contacted_on date NOT NULL,
    note         text NOT NULL CHECK (note <> ''),
    recorded_by  bigint REFERENCES members (id),
    inbound_id   bigint REFERENCES inbound_messages (id),
    recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_contacts_member ON member_contacts (member_id, contacted_on DESC);

-- +goose Down
DROP TABLE member_contacts;
DROP TABLE inflow_assessments;
DROP TABLE relay_notices;
DROP TABLE member_homes;
ALTER TABLE dues_payments DROP COLUMN recorded_by_contact;
ALTER TABLE org_life DROP COLUMN reviewed_by_contact;
ALTER TABLE outbox DROP CONSTRAINT outbox_one_recipient, DROP COLUMN contact_id,
    ADD CONSTRAINT outbox_check CHECK ((member_id IS NULL) <> (org_unit_id IS NULL));
ALTER TABLE binding_codes DROP CONSTRAINT binding_codes_one_target, DROP COLUMN contact_id,
    ALTER COLUMN member_id SET NOT NULL;
DROP TABLE contact_identities;
DROP TABLE contact_members;
DROP TABLE org_contacts;
DROP TABLE transfer_sequences;
DROP TABLE transfers;
DROP INDEX members_inflow;
CREATE INDEX members_inflow ON members (branch_id) INCLUDE (gender, birth_date, education, category)
    WHERE mobility = '流入';
ALTER TABLE members DROP COLUMN transferred_in_on, DROP COLUMN transferred_out_on;
