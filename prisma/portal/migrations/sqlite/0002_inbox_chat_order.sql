-- The inbox processes each chat in order: a row waits while an earlier row of its chat is still
-- pending or processing. This partial index covers exactly that check and stays small, since
-- finished rows (the vast majority) are not in it.
CREATE INDEX inbox_messages_open_chat_idx ON inbox_messages (connector, line_id, chat_id, id)
  WHERE state IN ('pending', 'processing');
