-- The receiving center's side (受け止め → 支援調整会議 → 終結), desk↔center exchanges and referrals (issue #18).
-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReminderKind" ADD VALUE 'CENTER_REVIEW_DUE';
ALTER TYPE "ReminderKind" ADD VALUE 'CENTER_CASE_INACTIVE';

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "centerCode" TEXT;

-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN     "centerLead" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "CenterCase" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "centerCode" TEXT NOT NULL,
    "handoverId" UUID NOT NULL,
    "keyPersonId" UUID,
    "acknowledgedAt" TIMESTAMP(3) NOT NULL,
    "lastActivityAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),
    "closeReason" TEXT,
    "noContactMonths" INTEGER,
    "closeNote" TEXT,
    "closedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CenterCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseExchange" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "side" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseExchange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupportMeeting" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "centerCode" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "participants" JSONB NOT NULL,
    "assessment" TEXT,
    "notes" TEXT,
    "nextReviewOn" TEXT,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupportMeeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupportGoal" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "meetingId" UUID NOT NULL,
    "track" TEXT NOT NULL,
    "ownerKind" TEXT NOT NULL,
    "ownerCode" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "nextStep" TEXT,
    "progress" TEXT NOT NULL DEFAULT 'not_started',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SupportGoal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupportGoalReview" (
    "id" UUID NOT NULL,
    "goalId" UUID NOT NULL,
    "meetingId" UUID NOT NULL,
    "progress" TEXT NOT NULL,
    "note" TEXT,
    "nextStep" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupportGoalReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "resourceId" TEXT NOT NULL,
    "resourceKind" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "byId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CenterCase_caseId_key" ON "CenterCase"("caseId");

-- CreateIndex
CREATE INDEX "CenterCase_centerCode_closedAt_idx" ON "CenterCase"("centerCode", "closedAt");

-- CreateIndex
CREATE INDEX "CaseExchange_caseId_createdAt_idx" ON "CaseExchange"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "SupportMeeting_caseId_createdAt_idx" ON "SupportMeeting"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "SupportGoal_caseId_idx" ON "SupportGoal"("caseId");

-- CreateIndex
CREATE INDEX "SupportGoalReview_goalId_createdAt_idx" ON "SupportGoalReview"("goalId", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_caseId_createdAt_idx" ON "Referral"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "Referral_createdAt_idx" ON "Referral"("createdAt");

-- AddForeignKey
ALTER TABLE "CenterCase" ADD CONSTRAINT "CenterCase_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseExchange" ADD CONSTRAINT "CaseExchange_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportMeeting" ADD CONSTRAINT "SupportMeeting_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportGoal" ADD CONSTRAINT "SupportGoal_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportGoal" ADD CONSTRAINT "SupportGoal_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "SupportMeeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportGoalReview" ADD CONSTRAINT "SupportGoalReview_goalId_fkey" FOREIGN KEY ("goalId") REFERENCES "SupportGoal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportGoalReview" ADD CONSTRAINT "SupportGoalReview_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "SupportMeeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

