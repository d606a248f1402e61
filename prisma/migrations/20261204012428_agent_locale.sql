-- AlterTable
ALTER TABLE "agent" ADD COLUMN     "locale" TEXT;

