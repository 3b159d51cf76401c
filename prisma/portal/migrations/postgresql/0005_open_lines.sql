-- A customer's message is stored once per chat, so a retried or reordered event cannot
-- insert it twice; operators' messages (direction 'out') get their channel ids later.
CREATE UNIQUE INDEX messages_in_external_id_uq ON messages (chat_id, external_id) WHERE direction = 'in';

-- The inbox lists a line's chats by last activity.
CREATE INDEX chats_line_id_updated_at_idx ON chats (line_id, updated_at);
