-- AlterTable
ALTER TABLE "agent" ADD COLUMN     "takes_chats" BOOLEAN DEFAULT true;

