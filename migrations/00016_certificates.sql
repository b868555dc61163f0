-- +goose Up

-- 《中国共产党流动党员活动证》. A member holds at most one certificate in force (status issued);
-- a returned (收回, inspected) or lost (挂失) one stays as history.
CREATE TABLE certificates (
    id                 bigserial PRIMARY KEY,
    member_id          bigint NOT NULL REFERENCES members (id),
    number             text NOT NULL UNIQUE CHECK (number <> ''),
    issuer             text NOT NULL CHECK (issuer <> ''),
    issued_on          date NOT NULL,
    issued_by          bigint REFERENCES members (id),
    -- NULL: valid while the member is away (the default; validity is not fixed centrally).
    valid_until        date,
    -- The last 年审 (NULL before the first), and the date the review cycle counts from: the issue
    -- date, then each review; a replacement (挂失) keeps the cycle of the certificate it replaces.
    reviewed_on        date,
    review_base_on     date NOT NULL,
    status             text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'returned', 'lost')),
    -- Filled in by the inflow side: the date it received the member, and a contact person.
    inflow_on          date,
    inflow_org         text NOT NULL DEFAULT '',
    inflow_contact     text NOT NULL DEFAULT '',
    inflow_phone_enc   bytea,
    inflow_by          bigint REFERENCES members (id),
    -- 收回: handed back and inspected (查验).
    returned_on        date,
    inspected_by       bigint REFERENCES members (id),
    inspection_note    text NOT NULL DEFAULT '',
    -- 挂失: reported lost; replaced_by is the certificate issued in its place.
    lost_on            date,
    replaced_by        bigint REFERENCES certificates (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'returned' OR returned_on IS NOT NULL),
    CHECK (status <> 'lost' OR lost_on IS NOT NULL)
);
CREATE UNIQUE INDEX certificates_in_force ON certificates (member_id) WHERE status = 'issued';
CREATE INDEX certificates_member ON certificates (member_id, issued_on DESC);

-- Every annual review (年审) of a certificate.
CREATE TABLE certificate_reviews (
    id             bigserial PRIMARY KEY,
    certificate_id bigint NOT NULL REFERENCES certificates (id),
    reviewed_on    date NOT NULL,
    reviewed_by    bigint REFERENCES members (id),
    note           text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (certificate_id, reviewed_on)
);

-- Certificate numbers: a configured prefix (the county code, say) and the next number after it.
CREATE TABLE certificate_sequences (
    prefix text PRIMARY KEY,
    last   bigint NOT NULL CHECK (last >= 0)
);

-- +goose Down
DROP TABLE certificate_sequences;
DROP TABLE certificate_reviews;
DROP TABLE certificates;
