-- AlterTable
ALTER TABLE "visitor" ADD COLUMN     "external_user_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "visitor_external_user_id_key" ON "visitor"("external_user_id");

