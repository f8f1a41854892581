-- people (#16): every way the desk is reached (PHONE, WALK_IN, VISIT), case numbers, case links,
-- desk contacts, phone-number look-ups by keyed hash, per-staff last-seen markers and read receipts.
-- ADD VALUE runs inside the migration's transaction (PostgreSQL 12+); nothing here uses the new values.
ALTER TYPE "Channel" ADD VALUE 'PHONE';
ALTER TYPE "Channel" ADD VALUE 'WALK_IN';
ALTER TYPE "Channel" ADD VALUE 'VISIT';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "number" SERIAL NOT NULL;

-- CreateTable
CREATE TABLE "CaseLink" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "otherCaseId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeskContact" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "mode" "Channel" NOT NULL,
    "consulterType" "ConsulterType",
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "durationMinutes" INTEGER,
    "summary" TEXT,
    "recordedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeskContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhoneLookup" (
    "id" UUID NOT NULL,
    "hash" TEXT NOT NULL,
    "contactId" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "sourceId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PhoneLookup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseSeen" (
    "staffId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CaseSeen_pkey" PRIMARY KEY ("staffId","caseId")
);

-- CreateTable
CREATE TABLE "ConversationRead" (
    "conversationId" UUID NOT NULL,
    "readUpTo" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConversationRead_pkey" PRIMARY KEY ("conversationId")
);

-- CreateIndex
CREATE INDEX "CaseLink_otherCaseId_idx" ON "CaseLink"("otherCaseId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseLink_caseId_otherCaseId_kind_key" ON "CaseLink"("caseId", "otherCaseId", "kind");

-- CreateIndex
CREATE INDEX "DeskContact_caseId_occurredAt_idx" ON "DeskContact"("caseId", "occurredAt");

-- CreateIndex
CREATE INDEX "DeskContact_mode_occurredAt_idx" ON "DeskContact"("mode", "occurredAt");

-- CreateIndex
CREATE INDEX "PhoneLookup_contactId_idx" ON "PhoneLookup"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "PhoneLookup_hash_source_sourceId_key" ON "PhoneLookup"("hash", "source", "sourceId");

-- CreateIndex
CREATE INDEX "CaseSeen_caseId_idx" ON "CaseSeen"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_number_key" ON "Case"("number");

-- AddForeignKey
ALTER TABLE "CaseLink" ADD CONSTRAINT "CaseLink_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseLink" ADD CONSTRAINT "CaseLink_otherCaseId_fkey" FOREIGN KEY ("otherCaseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeskContact" ADD CONSTRAINT "DeskContact_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhoneLookup" ADD CONSTRAINT "PhoneLookup_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseSeen" ADD CONSTRAINT "CaseSeen_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationRead" ADD CONSTRAINT "ConversationRead_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

