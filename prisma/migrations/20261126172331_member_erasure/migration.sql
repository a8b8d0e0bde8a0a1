-- AlterTable
ALTER TABLE "members" ADD COLUMN     "erased_at" TIMESTAMPTZ(3);
