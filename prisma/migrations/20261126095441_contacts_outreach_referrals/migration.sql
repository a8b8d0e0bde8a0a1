-- CreateEnum
CREATE TYPE "contact_source" AS ENUM ('personal', 'referral', 'organization', 'alumni_network', 'cold');

-- CreateEnum
CREATE TYPE "outreach_channel" AS ENUM ('email', 'linkedin', 'phone', 'introduction', 'organization');

-- CreateEnum
CREATE TYPE "outreach_outcome" AS ENUM ('no_reply', 'replied', 'declined', 'agreed');

-- CreateEnum
CREATE TYPE "referral_status" AS ENUM ('suggested', 'contacted', 'met', 'declined');

-- CreateTable
CREATE TABLE "contacts" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "full_name" TEXT NOT NULL,
    "title" TEXT,
    "organization" TEXT,
    "industry" TEXT,
    "occupation" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "linkedin_url" TEXT,
    "source" "contact_source" NOT NULL,
    "background_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "alumni_member_id" UUID,
    "search" tsvector,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "outreach" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "channel" "outreach_channel" NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "message" TEXT,
    "mutual_contact" TEXT,
    "outcome" "outreach_outcome" NOT NULL DEFAULT 'no_reply',
    "outcome_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outreach_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "referrals" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "referrer_contact_id" UUID,
    "referrer_name" TEXT,
    "referred_contact_id" UUID NOT NULL,
    "meeting_id" UUID,
    "status" "referral_status" NOT NULL DEFAULT 'suggested',
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "referrals_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "contacts_school_id_student_id_id_idx" ON "contacts"("school_id", "student_id", "id");

-- CreateIndex
CREATE INDEX "contacts_search_idx" ON "contacts" USING GIN ("search");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_school_id_student_id_email_key" ON "contacts"("school_id", "student_id", "email");

-- CreateIndex
CREATE INDEX "outreach_school_id_contact_id_sent_at_idx" ON "outreach"("school_id", "contact_id", "sent_at");

-- CreateIndex
CREATE INDEX "outreach_school_id_student_id_idx" ON "outreach"("school_id", "student_id");

-- CreateIndex
CREATE INDEX "referrals_school_id_student_id_idx" ON "referrals"("school_id", "student_id");

-- CreateIndex
CREATE INDEX "referrals_school_id_referred_contact_id_idx" ON "referrals"("school_id", "referred_contact_id");

-- CreateIndex
CREATE INDEX "referrals_school_id_referrer_contact_id_idx" ON "referrals"("school_id", "referrer_contact_id");

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_school_id_alumni_member_id_fkey" FOREIGN KEY ("school_id", "alumni_member_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outreach" ADD CONSTRAINT "outreach_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outreach" ADD CONSTRAINT "outreach_school_id_contact_id_fkey" FOREIGN KEY ("school_id", "contact_id") REFERENCES "contacts"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outreach" ADD CONSTRAINT "outreach_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_school_id_referrer_contact_id_fkey" FOREIGN KEY ("school_id", "referrer_contact_id") REFERENCES "contacts"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_school_id_referred_contact_id_fkey" FOREIGN KEY ("school_id", "referred_contact_id") REFERENCES "contacts"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "contacts_tenant_isolation" ON "contacts"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "outreach" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outreach" FORCE ROW LEVEL SECURITY;
CREATE POLICY "outreach_tenant_isolation" ON "outreach"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "referrals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "referrals" FORCE ROW LEVEL SECURITY;
CREATE POLICY "referrals_tenant_isolation" ON "referrals"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Full-text search over a contact: the name weighs most, then organization, title, industry and
-- occupation, then notes. The 'simple' configuration keeps names and organizations as written
-- (no stemming); queries match word prefixes.
CREATE FUNCTION "contacts_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."search" :=
    setweight(to_tsvector('simple', coalesce(NEW."full_name", '')), 'A') ||
    setweight(to_tsvector('simple', concat_ws(' ', NEW."organization", NEW."title", NEW."industry", NEW."occupation")), 'B') ||
    setweight(to_tsvector('simple', coalesce(NEW."notes", '')), 'C');
  RETURN NEW;
END
$$;
CREATE TRIGGER "contacts_search" BEFORE INSERT OR UPDATE OF "full_name", "organization", "title", "industry", "occupation", "notes"
  ON "contacts" FOR EACH ROW EXECUTE FUNCTION "contacts_search_vector"();

-- A referral names its referrer: a contact of the student, or someone by name.
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_named" CHECK ("referrer_contact_id" IS NOT NULL OR "referrer_name" IS NOT NULL);
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_not_self" CHECK ("referrer_contact_id" IS DISTINCT FROM "referred_contact_id");
