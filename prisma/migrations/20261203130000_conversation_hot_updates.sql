-- Every stored message advances its conversation's last_seq and updated_at. An index on
-- updated_at (conversation_open_idle_idx) made each of those updates a non-HOT one: a new
-- entry in each of the table's eight indexes, and dead entries for vacuum. Without it the
-- write changes no indexed column and stays on its page (a HOT update; fillfactor leaves
-- room on the page for it). Measured on PostgreSQL, 3,000 batches of 16 messages: 0 %
-- -> 100 % HOT, backend CPU 70-73 -> 51-58 µs per message (/tmp micro-measure, in the
-- closing note of 2026-12-03).
-- The lifecycle sweep (open conversations idle long enough) reads the open ones through
-- the index below and filters on updated_at; open conversations are the few, and agent_id
-- and status do not change on a message write. The agent's open load uses it too.
DROP INDEX IF EXISTS "conversation_open_idle_idx";
CREATE INDEX "conversation_open_agent_idx" ON "conversation" ("agent_id") WHERE "status" = 'open';
ALTER TABLE "conversation" SET (fillfactor = 80);
