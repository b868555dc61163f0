-- +goose Up

-- The jobs skip the recipients that already have this period's row of a kind (RecipientsOf):
-- without this index that reads every row of the kind, of every period.
CREATE INDEX outbox_kind_period ON outbox (kind, period);

-- "Can a reminder reach this member?" (a chat binding on any account), asked per member by
-- the report jobs.
CREATE INDEX chat_identities_member ON chat_identities (member_id);

-- Each member's assessments, newest first, with what the standings read of them: the daily check
-- for assessments due (first ones, the yearly one) and the dues standings read them in one
-- ordered pass over this index, without the table.
CREATE INDEX dues_assessments_newest ON dues_assessments (member_id, id DESC) INCLUDE (from_month, monthly_fen, category);

-- +goose Down
DROP INDEX dues_assessments_newest;
DROP INDEX chat_identities_member;
DROP INDEX outbox_kind_period;
