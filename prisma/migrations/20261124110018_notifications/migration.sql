-- AlterTable
ALTER TABLE "Reminder" ADD COLUMN     "urgency" "Urgency" NOT NULL DEFAULT 'NORMAL';

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "urgency" "Urgency" NOT NULL,
    "audience" TEXT NOT NULL,
    "staffId" UUID,
    "caseId" UUID,
    "reminderId" UUID,
    "title" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),
    "readById" UUID,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Notification_readAt_createdAt_idx" ON "Notification"("readAt", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_caseId_idx" ON "Notification"("caseId");
