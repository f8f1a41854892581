-- Privacy (issue #9): encryption at rest, keyed look-up hashes, retention.
--
-- Encrypted columns keep their types: a String column holds `enc:<keyId>:<iv>:<tag>:<ciphertext>`,
-- a Json column holds that as a JSON string starting `encj:` (src/db/data-crypto.ts). Rows written
-- before this migration stay readable as plain text; hashing and encrypting them needs the keys,
-- which SQL does not have, so after upgrading run once, before starting the app:
--
--     yorisoi migrate && yorisoi keys rotate
--
-- `keys rotate` encrypts every plain-text value, fills Contact.channelUserIdHash and
-- OutboundDelivery.recipientHash, and re-keys InboundEvent.sourceKey. Until then a returning
-- LINE user would not be found by hash and would start a new contact.

-- DropIndex
DROP INDEX "Contact_channel_channelUserId_key";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "anonymisedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Contact" ADD COLUMN     "channelUserIdHash" TEXT,
ALTER COLUMN "channelUserId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "phase" TEXT;

-- AlterTable
ALTER TABLE "OutboundDelivery" ADD COLUMN     "recipientHash" TEXT;

-- CreateIndex
CREATE INDEX "Case_status_closedAt_idx" ON "Case"("status", "closedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Contact_channel_channelUserIdHash_key" ON "Contact"("channel", "channelUserIdHash");

-- CreateIndex
CREATE INDEX "Conversation_phase_lastInboundAt_idx" ON "Conversation"("phase", "lastInboundAt");

-- CreateIndex
CREATE INDEX "OutboundDelivery_recipientHash_status_createdAt_idx" ON "OutboundDelivery"("recipientHash", "status", "createdAt");


-- The sweeper queries the phase in plain text; the state itself becomes ciphertext.
UPDATE "Conversation" SET "phase" = "state"->>'phase' WHERE jsonb_typeof("state") = 'object';

-- Cases already closed keep their closing time for the retention job; a closed case without one
-- counts from its last update.
UPDATE "Case" SET "closedAt" = "updatedAt" WHERE "status" = 'CLOSED' AND "closedAt" IS NULL;
