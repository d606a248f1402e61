-- Console search (src/search): visitor name and email, and message words, Chinese included.
-- Hand-written: Prisma's schema cannot express the extension, the operator classes nor the
-- expression index. pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may
-- create it; PGlite loads it in its thread (src/lib/pglite/worker.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Substring search (ILIKE '%word%'): partial words, e-mail addresses, names.
CREATE INDEX "message_body_trgm_idx" ON "message" USING gin ("body" gin_trgm_ops);
CREATE INDEX "visitor_name_trgm_idx" ON "visitor" USING gin ("name" gin_trgm_ops);
CREATE INDEX "visitor_email_trgm_idx" ON "visitor" USING gin ("email" gin_trgm_ops);
-- A word of one or two characters has no trigram: it matches the start of the name (王 for
-- 王伟), on this index, instead of reading every visitor.
CREATE INDEX "visitor_name_prefix_idx" ON "visitor" (lower("name") text_pattern_ops);

-- Whether an agent wrote in a conversation (the search shows them the resolved ones they
-- took part in, src/console/console.repository.ts): one probe per candidate conversation,
-- not a read of its every message.
CREATE INDEX "message_agent_sender_idx" ON "message" ("conversation_id", "sender_id") WHERE "sender_type" = 'agent';

-- Chinese has no spaces: a run of characters is one pg_trgm "word", and a one- or
-- two-character query (most Chinese words are two characters) yields no trigram, so the
-- trigram index cannot narrow it (a scan of every message). So each message with CJK
-- characters keeps them and the pairs of adjacent ones (search_grams, NULL without any);
-- a query of n CJK characters asks for its pairs (or its one character), and ILIKE checks
-- the order. A stored column, not an expression index: GIN's @> is rechecked on every
-- candidate row, and recomputing the grams there made a search of a common word 10x slower.
CREATE FUNCTION search_cjk_grams(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT CASE WHEN body ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]' THEN (
    SELECT array_agg(DISTINCT g) FROM (
      SELECT substr(body, i, 1) AS g FROM generate_series(1, length(body)) i
        WHERE substr(body, i, 1) ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]'
      UNION ALL
      SELECT substr(body, i, 2) FROM generate_series(1, length(body) - 1) i
        WHERE substr(body, i, 2) ~ '^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}$'
    ) grams) END
$$;
-- The CJK test inline, so that a message without CJK characters (most of them) never calls
-- the function: a SQL function with subqueries is not inlined, and its call on every insert
-- cost about 10-20 us of CPU per message on the embedded database (npm run bench, 2026-12-04).
ALTER TABLE "message" ADD COLUMN "search_grams" TEXT[] GENERATED ALWAYS AS (
  CASE WHEN "body" ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]' THEN search_cjk_grams("body") END) STORED;
CREATE INDEX "message_search_grams_idx" ON "message" USING gin ("search_grams") WHERE "search_grams" IS NOT NULL;
