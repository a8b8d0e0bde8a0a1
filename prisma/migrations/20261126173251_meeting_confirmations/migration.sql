-- CreateTable
CREATE TABLE "meeting_confirmations" (
    "school_id" UUID NOT NULL,
    "meeting_id" UUID NOT NULL,
    "party" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "meeting_confirmations_pkey" PRIMARY KEY ("school_id","meeting_id","party")
);

-- AddForeignKey
ALTER TABLE "meeting_confirmations" ADD CONSTRAINT "meeting_confirmations_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "meeting_confirmations" ADD CONSTRAINT "meeting_confirmations_school_id_meeting_id_fkey" FOREIGN KEY ("school_id", "meeting_id") REFERENCES "meetings"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "meeting_confirmations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "meeting_confirmations" FORCE ROW LEVEL SECURITY;
CREATE POLICY "meeting_confirmations_tenant_isolation" ON "meeting_confirmations"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- The parties and their answers (the API checks them too; the table refuses anything else).
ALTER TABLE "meeting_confirmations" ADD CONSTRAINT "meeting_confirmations_party" CHECK ("party" IN ('student', 'host'));
ALTER TABLE "meeting_confirmations" ADD CONSTRAINT "meeting_confirmations_outcome" CHECK ("outcome" IN ('happened', 'no_show'));
