-- AlterTable: each outbound target of a notification is marked once it has it, so a retry after
-- one target failed never repeats the other.
ALTER TABLE "Notification" ADD COLUMN     "emailSentAt" TIMESTAMP(3),
ADD COLUMN     "webhookSentAt" TIMESTAMP(3);
