-- +goose Up

-- Party dues (中组发〔2008〕3号). Every table here is append-only: a correction is a new row
-- (a later assessment, a reversal, a revocation), never an UPDATE or DELETE. Paid-through and
-- arrears are derived from these rows, not stored. Months are dates on the first of the month.

-- +goose StatementBegin
CREATE FUNCTION dues_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: record a correcting entry instead', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- A month as a number (year * 12 + month - 1) and back, for month arithmetic in the dues queries.
CREATE FUNCTION dues_month_index(d date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (date_part('year', d) * 12 + date_part('month', d) - 1)::integer;
CREATE FUNCTION dues_month_date(i integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN make_date(i / 12, i % 12 + 1, 1);
-- Months from a to b (first days of months, a <= b), by integer arithmetic on the days between
-- them: several times cheaper than date_part over millions of ledger rows, and exact for every
-- pair of months in 2000-2099 (the years dues.Month accepts; checked exhaustively).
CREATE FUNCTION dues_months_between(a date, b date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((b - a) * 10000 + 152184) / 304369;

-- The monthly amount and its basis. The assessment in force in a month is the newest row
-- (highest id) of the member whose from_month is not later; the first row's month starts the
-- member's dues ledger. roster_category/roster_income_fen snapshot the roster when the row was
-- made, so the yearly assessment can tell a roster change from a secretary's re-assessment.
CREATE TABLE dues_assessments (
    id                    bigserial PRIMARY KEY,
    member_id             bigint NOT NULL REFERENCES members (id),
    from_month            date NOT NULL CHECK (extract(day FROM from_month) = 1),
    category              text NOT NULL CHECK (category IN ('在职', '年薪制', '个体', '无固定收入', '离退休', '农民', '学生', '失业', '低保')),
    province              text NOT NULL DEFAULT '',
    base_fen              bigint NOT NULL DEFAULT 0 CHECK (base_fen >= 0),
    quarter_total_fen     bigint CHECK (quarter_total_fen > 0),
    rate_bp               integer NOT NULL DEFAULT 0 CHECK (rate_bp >= 0),
    monthly_fen           bigint NOT NULL CHECK (monthly_fen > 0),
    source                text NOT NULL,
    reason                text NOT NULL CHECK (reason IN ('first', 'annual', 'secretary')),
    basis                 text NOT NULL CHECK (basis IN ('roster', 'secretary')),
    roster_category       text NOT NULL DEFAULT '',
    roster_income_fen     bigint,
    note                  text NOT NULL DEFAULT '',
    assessed_by           text NOT NULL,
    assessed_by_member_id bigint REFERENCES members (id),
    inbound_id            bigint REFERENCES inbound_messages (id),
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dues_assessments_member ON dues_assessments (member_id, id);
-- The automatic assessments happen once per member and month, however many instances run.
CREATE UNIQUE INDEX dues_assessments_automatic ON dues_assessments (member_id, from_month)
    WHERE reason IN ('first', 'annual');
CREATE TRIGGER dues_assessments_append_only BEFORE UPDATE OR DELETE ON dues_assessments
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();

-- Hardship exemptions (免交) and reductions (减交), approved one level above the branch.
CREATE TABLE dues_exemptions (
    id                    bigserial PRIMARY KEY,
    member_id             bigint NOT NULL REFERENCES members (id),
    from_month            date NOT NULL CHECK (extract(day FROM from_month) = 1),
    to_month              date NOT NULL CHECK (extract(day FROM to_month) = 1 AND to_month >= from_month),
    kind                  text NOT NULL CHECK (kind IN ('waive', 'reduce')),
    reduced_to_fen        bigint NOT NULL DEFAULT 0,
    reason                text NOT NULL CHECK (reason <> ''),
    approved_by           text NOT NULL CHECK (approved_by <> ''),
    recorded_by           text NOT NULL,
    recorded_by_member_id bigint REFERENCES members (id),
    inbound_id            bigint REFERENCES inbound_messages (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'waive' AND reduced_to_fen = 0) OR (kind = 'reduce' AND reduced_to_fen > 0))
);
CREATE INDEX dues_exemptions_member ON dues_exemptions (member_id, from_month);
CREATE TRIGGER dues_exemptions_append_only BEFORE UPDATE OR DELETE ON dues_exemptions
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();

-- An exemption entered in error is revoked, once.
CREATE TABLE dues_exemption_revocations (
    id                    bigserial PRIMARY KEY,
    exemption_id          bigint NOT NULL UNIQUE REFERENCES dues_exemptions (id),
    reason                text NOT NULL CHECK (reason <> ''),
    revoked_by            text NOT NULL,
    revoked_by_member_id  bigint REFERENCES members (id),
    inbound_id            bigint REFERENCES inbound_messages (id),
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER dues_exemption_revocations_append_only BEFORE UPDATE OR DELETE ON dues_exemption_revocations
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();

-- The ledger: a payment for from_month..to_month, or a reversal (negative amount, same
-- months) cancelling one earlier payment. place says where it was paid: at the home branch or,
-- for a mobile member holding the certificate, at the inflow place (place_name names it).
CREATE TABLE dues_payments (
    id                    bigserial PRIMARY KEY,
    member_id             bigint NOT NULL REFERENCES members (id),
    from_month            date NOT NULL CHECK (extract(day FROM from_month) = 1),
    to_month              date NOT NULL CHECK (extract(day FROM to_month) = 1 AND to_month >= from_month),
    amount_fen            bigint NOT NULL,
    reverses              bigint REFERENCES dues_payments (id),
    place                 text NOT NULL CHECK (place IN ('home', 'inflow')),
    place_name            text NOT NULL DEFAULT '',
    org_unit_id           bigint REFERENCES org_units (id),
    note                  text NOT NULL DEFAULT '',
    override              text NOT NULL DEFAULT '',
    paid_at               timestamptz NOT NULL,
    recorded_by           text NOT NULL,
    recorded_by_member_id bigint REFERENCES members (id),
    inbound_id            bigint REFERENCES inbound_messages (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    CHECK ((reverses IS NULL AND amount_fen > 0) OR (reverses IS NOT NULL AND amount_fen < 0 AND note <> ''))
);
-- Covers the month arithmetic over a member's ledger (index-only once vacuumed).
CREATE INDEX dues_payments_member ON dues_payments (member_id, from_month) INCLUDE (to_month, reverses, id);
-- A payment is reversed at most once.
CREATE UNIQUE INDEX dues_payments_reversal ON dues_payments (reverses) WHERE reverses IS NOT NULL;
CREATE TRIGGER dues_payments_append_only BEFORE UPDATE OR DELETE ON dues_payments
    FOR EACH ROW EXECUTE FUNCTION dues_append_only();

-- +goose Down
DROP TABLE dues_payments;
DROP TABLE dues_exemption_revocations;
DROP TABLE dues_exemptions;
DROP TABLE dues_assessments;
DROP FUNCTION dues_append_only();
DROP FUNCTION dues_month_index(date);
DROP FUNCTION dues_month_date(integer);
DROP FUNCTION dues_months_between(date, date);
