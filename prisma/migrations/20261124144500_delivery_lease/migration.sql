-- AlterTable: a delivery being sent is leased to its sender, so nothing else (the sweeper, a
-- queued retry) sends it in parallel; an expired lease means the sender died.
ALTER TABLE "OutboundDelivery" ADD COLUMN     "claimedUntil" TIMESTAMP(3);
