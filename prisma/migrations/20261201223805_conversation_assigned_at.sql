-- AlterTable
ALTER TABLE "conversation" ADD COLUMN     "assigned_at" TIMESTAMPTZ(3);

