-- AlterTable
ALTER TABLE "conversation" ADD COLUMN     "snooze_until" TIMESTAMPTZ(3),
ADD COLUMN     "snoozed_at" TIMESTAMPTZ(3),
ADD COLUMN     "visitor_left_at" TIMESTAMPTZ(3);


-- The lifecycle sweep (src/lifecycle): snoozes that are due, and open conversations
-- idle long enough to be auto-resolved, each found without reading the others.
CREATE INDEX "conversation_snooze_due_idx" ON "conversation" ("snooze_until") WHERE "snoozed_at" IS NOT NULL;
CREATE INDEX "conversation_open_idle_idx" ON "conversation" ("updated_at") WHERE "status" = 'open';
