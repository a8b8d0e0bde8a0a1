-- CreateEnum
CREATE TYPE "meeting_kind" AS ENUM ('informational_interview', 'job_shadow');

-- CreateEnum
CREATE TYPE "meeting_status" AS ENUM ('requested', 'scheduled', 'resume_sent', 'completed', 'thank_you_sent', 'declined', 'cancelled', 'no_show');

-- CreateEnum
CREATE TYPE "meeting_mode" AS ENUM ('in_person', 'video', 'phone');

-- CreateTable
CREATE TABLE "meetings" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "kind" "meeting_kind" NOT NULL,
    "status" "meeting_status" NOT NULL DEFAULT 'requested',
    "purpose" TEXT NOT NULL,
    "mode" "meeting_mode" NOT NULL,
    "location" TEXT,
    "proposed_slots" JSONB NOT NULL,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "debrief_starts_at" TIMESTAMPTZ(3),
    "debrief_ends_at" TIMESTAMPTZ(3),
    "itinerary" JSONB NOT NULL DEFAULT '[]',
    "resume_sent_at" TIMESTAMPTZ(3),
    "resume_note" TEXT,
    "homework" TEXT,
    "questions" JSONB NOT NULL DEFAULT '[]',
    "notes" TEXT,
    "reflections" TEXT,
    "rating" INTEGER,
    "asked_for_referrals" BOOLEAN,
    "completed_at" TIMESTAMPTZ(3),
    "thank_you_due_at" TIMESTAMPTZ(3),
    "thank_you_sent_at" TIMESTAMPTZ(3),
    "thank_you_on_time" BOOLEAN,
    "closed_reason" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "meetings_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "meetings_school_id_student_id_status_starts_at_idx" ON "meetings"("school_id", "student_id", "status", "starts_at");

-- CreateIndex
CREATE INDEX "meetings_school_id_contact_id_idx" ON "meetings"("school_id", "contact_id");

-- CreateIndex
CREATE INDEX "meetings_school_id_status_thank_you_due_at_idx" ON "meetings"("school_id", "status", "thank_you_due_at");

-- AddForeignKey
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_school_id_meeting_id_fkey" FOREIGN KEY ("school_id", "meeting_id") REFERENCES "meetings"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_school_id_contact_id_fkey" FOREIGN KEY ("school_id", "contact_id") REFERENCES "contacts"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "meetings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "meetings" FORCE ROW LEVEL SECURITY;
CREATE POLICY "meetings_tenant_isolation" ON "meetings"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- The rules the service checks, held by the database too.
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_rating_range" CHECK ("rating" BETWEEN 1 AND 5);
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_window_order" CHECK ("ends_at" > "starts_at");
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_window_whole" CHECK (("starts_at" IS NULL) = ("ends_at" IS NULL));

-- A student's booked meetings never overlap: concurrent scheduling cannot slip two into one window.
-- (btree_gist is a trusted extension: the owner of the database may create it.)
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_no_overlap" EXCLUDE USING gist (
  "school_id" WITH =, "student_id" WITH =, tstzrange("starts_at", "ends_at") WITH &&
) WHERE ("status" IN ('scheduled', 'resume_sent'));
