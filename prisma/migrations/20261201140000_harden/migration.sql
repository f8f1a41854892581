-- CreateTable: staff-written free text of audited actions, removable by deletion and retention
-- (the audit log itself is append-only and holds only ids and codes).
CREATE TABLE "AuditText" (
    "id" UUID NOT NULL,
    "caseId" UUID,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditText_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditText_caseId_idx" ON "AuditText"("caseId");

-- AlterTable: when the reply API was called for a delivery (its outcome is unknown until it
-- answers; a retry must not push the same messages again under a new key).
ALTER TABLE "OutboundDelivery" ADD COLUMN "replyAttemptedAt" TIMESTAMP(3);
