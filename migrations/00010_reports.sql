-- +goose Up

-- Quarterly reports (思想汇报): one row per member and reporting period ("2026Q2", "2026H1",
-- "2026"), holding the current text. Every earlier version is kept in report_revisions.
CREATE TABLE reports (
    id             bigserial PRIMARY KEY,
    member_id      bigint NOT NULL REFERENCES members (id),
    period         text NOT NULL CHECK (period ~ '^[0-9]{4}(Q[1-4]|H[12])?$'),
    thought        text NOT NULL DEFAULT '',
    work           text NOT NULL DEFAULT '',
    life           text NOT NULL DEFAULT '',
    study          text NOT NULL DEFAULT '',
    -- free: a report written without section labels, or the text outside them.
    free           text NOT NULL DEFAULT '',
    source         text NOT NULL CHECK (source IN ('guided', 'oneshot')),
    revision       integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
    submitted_at   timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    inbound_id     bigint REFERENCES inbound_messages (id),
    reviewed_at    timestamptz,
    reviewer_id    bigint REFERENCES members (id),
    review_comment text NOT NULL DEFAULT '',
    UNIQUE (member_id, period),
    CHECK ((reviewed_at IS NULL) = (reviewer_id IS NULL)),
    CHECK (thought <> '' OR work <> '' OR life <> '' OR study <> '' OR free <> '')
);
CREATE INDEX reports_period ON reports (period, member_id);

-- The text a report had before a replacement (替换), an addition (补充) or a section edit
-- (修改汇报): revision is the version that was superseded, change says how.
CREATE TABLE report_revisions (
    id            bigserial PRIMARY KEY,
    report_id     bigint NOT NULL REFERENCES reports (id),
    revision      integer NOT NULL,
    thought       text NOT NULL,
    work          text NOT NULL,
    life          text NOT NULL,
    study         text NOT NULL,
    free          text NOT NULL,
    source        text NOT NULL,
    written_at    timestamptz NOT NULL,
    superseded_at timestamptz NOT NULL,
    change        text NOT NULL CHECK (change IN ('replace', 'append', 'edit')),
    section       text NOT NULL DEFAULT '' CHECK (section IN ('', '思想', '工作', '生活', '学习')),
    inbound_id    bigint REFERENCES inbound_messages (id),
    UNIQUE (report_id, revision)
);

-- +goose Down
DROP TABLE report_revisions;
DROP TABLE reports;
