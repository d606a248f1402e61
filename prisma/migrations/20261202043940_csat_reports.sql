-- AlterTable
ALTER TABLE "conversation" ADD COLUMN     "csat_at" TIMESTAMPTZ(3),
ADD COLUMN     "csat_comment" TEXT,
ADD COLUMN     "csat_rating" SMALLINT,
ADD COLUMN     "first_response_at" TIMESTAMPTZ(3),
ADD COLUMN     "first_visitor_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "conversation_created_at_idx" ON "conversation"("created_at");


-- A rating is 1 to 5 (the socket schema checks it too; this keeps any other writer honest).
ALTER TABLE "conversation" ADD CONSTRAINT "conversation_csat_rating_range" CHECK ("csat_rating" BETWEEN 1 AND 5);

-- Conversations from before these columns: the same marks, once, from their messages.
UPDATE "conversation" c SET "first_visitor_at" = f.at
  FROM (SELECT conversation_id, min(created_at) AS at FROM "message" WHERE sender_type = 'visitor' GROUP BY conversation_id) f
  WHERE f.conversation_id = c.id;
UPDATE "conversation" c SET "first_response_at" = (
    SELECT min(m.created_at) FROM "message" m
    WHERE m.conversation_id = c.id AND m.sender_type = 'agent' AND m.created_at >= c.first_visitor_at)
  WHERE c.first_visitor_at IS NOT NULL;
