-- AlterTable
ALTER TABLE "members" ADD COLUMN     "directory_opt_out" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "share_fields_of_interest" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "share_graduation_year" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "share_major" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "share_name" BOOLEAN NOT NULL DEFAULT true;
