-- CreateTable
CREATE TABLE "agent_token" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "session_sid" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agent_token_agent_id_idx" ON "agent_token"("agent_id");

-- CreateIndex
-- Partial: most tokens (apps) belong to no console session.
CREATE INDEX "agent_token_session_sid_idx" ON "agent_token"("session_sid") WHERE "session_sid" IS NOT NULL;

-- CreateIndex
CREATE INDEX "agent_token_expires_at_idx" ON "agent_token"("expires_at");

-- AddForeignKey
ALTER TABLE "agent_token" ADD CONSTRAINT "agent_token_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

