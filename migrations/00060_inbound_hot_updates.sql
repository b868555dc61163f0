-- +goose Up
-- Recording how a message was handled updates its row once. With free space on the page and no
-- indexed column changed, that update is HOT (no index entries written): leave room, and index
-- the unhandled-message replay by time instead of by handled_at.
ALTER TABLE inbound_messages SET (fillfactor = 80);
DROP INDEX inbound_messages_unhandled;
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

-- +goose Down
DROP INDEX inbound_messages_received;
CREATE INDEX inbound_messages_unhandled ON inbound_messages (received_at) WHERE handled_at IS NULL;
ALTER TABLE inbound_messages RESET (fillfactor);
