-- AlterTable
ALTER TABLE "agent" ADD COLUMN     "must_change_password" BOOLEAN NOT NULL DEFAULT false;

