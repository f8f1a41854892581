-- Crisis handling (#15): the triage score orders the queue within a level; "seen" per staff
-- member; pages of the on-call rota outside desk hours.

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "triageScore" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "NotificationSeen" (
    "notificationId" UUID NOT NULL,
    "staffId" UUID NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationSeen_pkey" PRIMARY KEY ("notificationId","staffId")
);

-- CreateTable
CREATE TABLE "OnCallPage" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "level" INTEGER NOT NULL,
    "personId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),

    CONSTRAINT "OnCallPage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NotificationSeen_staffId_idx" ON "NotificationSeen"("staffId");

-- CreateIndex
CREATE INDEX "OnCallPage_caseId_createdAt_idx" ON "OnCallPage"("caseId", "createdAt");

-- AddForeignKey
ALTER TABLE "NotificationSeen" ADD CONSTRAINT "NotificationSeen_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OnCallPage" ADD CONSTRAINT "OnCallPage_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "StaffAlertSettings" (
    "staffId" UUID NOT NULL,
    "sound" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffAlertSettings_pkey" PRIMARY KEY ("staffId")
);
