-- +goose Up
-- Chat identities waiting for their member to re-verify (WeChat re-login could not re-resolve
-- them): looked up for every message from an unbound chat account.
CREATE INDEX chat_identities_unverified ON chat_identities (platform, account) WHERE needs_verify;

-- +goose Down
DROP INDEX chat_identities_unverified;
