-- AlterEnum
ALTER TYPE "StaffRole" ADD VALUE 'CENTER';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "assessedAt" TIMESTAMP(3),
ADD COLUMN     "assessment" JSONB;

-- AlterTable
ALTER TABLE "Handover" ADD COLUMN     "acknowledgedNote" TEXT;

-- AlterTable
ALTER TABLE "StaffUser" ADD COLUMN     "centerCode" TEXT;
