-- CreateTable
CREATE TABLE "label" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "colour" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "label_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_label" (
    "conversation_id" TEXT NOT NULL,
    "label_id" TEXT NOT NULL,
    "added_by" TEXT,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_label_pkey" PRIMARY KEY ("conversation_id","label_id")
);

-- CreateIndex
CREATE INDEX "conversation_label_label_id_idx" ON "conversation_label"("label_id");

-- AddForeignKey
ALTER TABLE "conversation_label" ADD CONSTRAINT "conversation_label_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_label" ADD CONSTRAINT "conversation_label_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "label"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_label" ADD CONSTRAINT "conversation_label_added_by_fkey" FOREIGN KEY ("added_by") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: a label's name is unique whatever its case ("Billing" and "billing" are one).
CREATE UNIQUE INDEX "label_name_lower_key" ON "label"(lower("name"));
