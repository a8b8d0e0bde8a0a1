-- AlterTable
ALTER TABLE "identity_providers" ADD COLUMN     "issuer_approved_by_operator" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "role_mapping" JSONB;
