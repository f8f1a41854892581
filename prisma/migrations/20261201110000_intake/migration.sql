-- The first contact (#17).

-- A person asking for a meeting or a home visit gets an outreach task with a deadline.
ALTER TYPE "ReminderKind" ADD VALUE IF NOT EXISTS 'OUTREACH';

-- Where people give up: coded funnel events of the intake questions (no free text).
CREATE TABLE "IntakeStepEvent" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID NOT NULL,
    "flowId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntakeStepEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "IntakeStepEvent_caseId_createdAt_idx" ON "IntakeStepEvent"("caseId", "createdAt");
CREATE INDEX "IntakeStepEvent_createdAt_idx" ON "IntakeStepEvent"("createdAt");
ALTER TABLE "IntakeStepEvent" ADD CONSTRAINT "IntakeStepEvent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One set of age bands on every path. The person's own path used to offer 「10代」 (`10s`) where
-- the family and agency paths split 「15歳未満」/「15〜19歳」. A stored `10s` cannot be split
-- after the fact; it becomes `15_19`, the band nearly all teenagers writing themselves fall in
-- (the desk's statistics count 15 and over).
UPDATE "IntakeAnswer" SET "value" = '15_19' WHERE "key" = 'age_band' AND "value" = '10s';
