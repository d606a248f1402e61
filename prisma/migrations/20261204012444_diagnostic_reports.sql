-- CreateTable
CREATE TABLE "diagnostic_report" (
    "id" TEXT NOT NULL,
    "visitor_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "network" TEXT NOT NULL,
    "user_agent" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "rtt_p50_ms" INTEGER,
    "idle_cut_sec" INTEGER,
    "results" JSONB NOT NULL,
    "findings" JSONB NOT NULL,

    CONSTRAINT "diagnostic_report_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "diagnostic_report_visitor_id_created_at_idx" ON "diagnostic_report"("visitor_id", "created_at");

-- CreateIndex
CREATE INDEX "diagnostic_report_created_at_idx" ON "diagnostic_report"("created_at");

