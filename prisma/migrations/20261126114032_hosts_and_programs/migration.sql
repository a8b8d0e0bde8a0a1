-- CreateEnum
CREATE TYPE "host_request_status" AS ENUM ('pending', 'accepted', 'declined', 'withdrawn', 'expired');

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "share_background_tags" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "host_profiles" (
    "school_id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "organization" TEXT NOT NULL,
    "title" TEXT,
    "industries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "occupations" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "offers" "meeting_kind"[],
    "modes" "meeting_mode"[],
    "location" TEXT,
    "background_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "bio" TEXT,
    "accepting" BOOLEAN NOT NULL DEFAULT true,
    "time_zone" TEXT NOT NULL,
    "contact_email" TEXT,
    "contact_phone" TEXT,
    "max_meetings_per_month" INTEGER NOT NULL,
    "max_shadow_days_per_term" INTEGER NOT NULL,
    "max_open_requests" INTEGER NOT NULL,
    "weekly_windows" JSONB NOT NULL DEFAULT '[]',
    "blackouts" JSONB NOT NULL DEFAULT '[]',
    "answered_count" INTEGER NOT NULL DEFAULT 0,
    "expired_count" INTEGER NOT NULL DEFAULT 0,
    "last_active_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "host_profiles_pkey" PRIMARY KEY ("school_id","member_id")
);

-- CreateTable
CREATE TABLE "host_requests" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "host_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "program_id" UUID,
    "run_id" UUID,
    "status" "host_request_status" NOT NULL DEFAULT 'pending',
    "score" DOUBLE PRECISION,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "decline_reason" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "responded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "host_requests_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "programs" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "kind" "meeting_kind" NOT NULL,
    "modes" "meeting_mode"[],
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "published_run_id" UUID,
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "programs_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "program_hosts" (
    "school_id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "host_id" UUID NOT NULL,
    "capacity" INTEGER NOT NULL,

    CONSTRAINT "program_hosts_pkey" PRIMARY KEY ("school_id","program_id","host_id")
);

-- CreateTable
CREATE TABLE "program_students" (
    "school_id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "placements" INTEGER NOT NULL DEFAULT 1,
    "preferences" UUID[] DEFAULT ARRAY[]::UUID[],
    "modes" "meeting_mode"[],
    "location" TEXT,

    CONSTRAINT "program_students_pkey" PRIMARY KEY ("school_id","program_id","student_id")
);

-- CreateTable
CREATE TABLE "assignment_runs" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "created_by" UUID,
    "input_digest" TEXT NOT NULL,
    "pins" JSONB NOT NULL DEFAULT '[]',
    "forbidden" JSONB NOT NULL DEFAULT '[]',
    "objective" DOUBLE PRECISION NOT NULL,
    "pairs" JSONB NOT NULL,
    "unmatched" JSONB NOT NULL,
    "stats" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_runs_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "host_profiles_school_id_accepting_idx" ON "host_profiles"("school_id", "accepting");

-- CreateIndex
CREATE INDEX "host_requests_school_id_host_id_status_idx" ON "host_requests"("school_id", "host_id", "status");

-- CreateIndex
CREATE INDEX "host_requests_school_id_student_id_status_idx" ON "host_requests"("school_id", "student_id", "status");

-- CreateIndex
CREATE INDEX "host_requests_school_id_group_id_idx" ON "host_requests"("school_id", "group_id");

-- CreateIndex
CREATE INDEX "host_requests_school_id_status_expires_at_idx" ON "host_requests"("school_id", "status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "host_requests_school_id_meeting_id_key" ON "host_requests"("school_id", "meeting_id");

-- CreateIndex
CREATE INDEX "assignment_runs_school_id_program_id_created_at_idx" ON "assignment_runs"("school_id", "program_id", "created_at");

-- AddForeignKey
ALTER TABLE "host_profiles" ADD CONSTRAINT "host_profiles_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_profiles" ADD CONSTRAINT "host_profiles_school_id_member_id_fkey" FOREIGN KEY ("school_id", "member_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_requests" ADD CONSTRAINT "host_requests_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_requests" ADD CONSTRAINT "host_requests_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_requests" ADD CONSTRAINT "host_requests_school_id_host_id_fkey" FOREIGN KEY ("school_id", "host_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_requests" ADD CONSTRAINT "host_requests_school_id_meeting_id_fkey" FOREIGN KEY ("school_id", "meeting_id") REFERENCES "meetings"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "host_requests" ADD CONSTRAINT "host_requests_school_id_program_id_fkey" FOREIGN KEY ("school_id", "program_id") REFERENCES "programs"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "programs" ADD CONSTRAINT "programs_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_hosts" ADD CONSTRAINT "program_hosts_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_hosts" ADD CONSTRAINT "program_hosts_school_id_program_id_fkey" FOREIGN KEY ("school_id", "program_id") REFERENCES "programs"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_hosts" ADD CONSTRAINT "program_hosts_school_id_host_id_fkey" FOREIGN KEY ("school_id", "host_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_students" ADD CONSTRAINT "program_students_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_students" ADD CONSTRAINT "program_students_school_id_program_id_fkey" FOREIGN KEY ("school_id", "program_id") REFERENCES "programs"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "program_students" ADD CONSTRAINT "program_students_school_id_student_id_fkey" FOREIGN KEY ("school_id", "student_id") REFERENCES "members"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_runs" ADD CONSTRAINT "assignment_runs_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_runs" ADD CONSTRAINT "assignment_runs_school_id_program_id_fkey" FOREIGN KEY ("school_id", "program_id") REFERENCES "programs"("school_id", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "host_profiles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "host_profiles" FORCE ROW LEVEL SECURITY;
CREATE POLICY "host_profiles_tenant_isolation" ON "host_profiles"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "host_requests" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "host_requests" FORCE ROW LEVEL SECURITY;
CREATE POLICY "host_requests_tenant_isolation" ON "host_requests"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "programs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "programs" FORCE ROW LEVEL SECURITY;
CREATE POLICY "programs_tenant_isolation" ON "programs"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "program_hosts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "program_hosts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "program_hosts_tenant_isolation" ON "program_hosts"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "program_students" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "program_students" FORCE ROW LEVEL SECURITY;
CREATE POLICY "program_students_tenant_isolation" ON "program_students"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "assignment_runs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "assignment_runs" FORCE ROW LEVEL SECURITY;
CREATE POLICY "assignment_runs_tenant_isolation" ON "assignment_runs"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Capacities and placements are never negative; a programme ends on or after it starts.
ALTER TABLE "host_profiles" ADD CONSTRAINT host_profiles_capacity_check
  CHECK (max_meetings_per_month >= 0 AND max_shadow_days_per_term >= 0 AND max_open_requests >= 0);
ALTER TABLE "program_hosts" ADD CONSTRAINT program_hosts_capacity_check CHECK (capacity >= 0);
ALTER TABLE "program_students" ADD CONSTRAINT program_students_placements_check CHECK (placements >= 0);
ALTER TABLE "programs" ADD CONSTRAINT programs_dates_check CHECK (ends_on >= starts_on);

-- The booked window of an accepted request, kept with its meeting (the ledger reads it).
-- AlterTable
ALTER TABLE "host_requests" ADD COLUMN     "ends_at" TIMESTAMPTZ(3),
ADD COLUMN     "shadow_days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "starts_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "host_requests_school_id_status_starts_at_idx" ON "host_requests"("school_id", "status", "starts_at");
