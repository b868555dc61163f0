-- +goose Up

-- The jobs skip the recipients that already have this period's row of a kind (RecipientsOf):
-- without this index that reads every row of the kind, of every period.
CREATE INDEX outbox_kind_period ON outbox (kind, period);

-- "Can a reminder reach this member?" (a chat binding on any account), asked per member by
-- the report jobs.
CREATE INDEX chat_identities_member ON chat_identities (member_id);

-- +goose Down
DROP INDEX chat_identities_member;
DROP INDEX outbox_kind_period;
