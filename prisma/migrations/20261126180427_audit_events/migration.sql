-- CreateTable
CREATE TABLE "audit_events" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "subject_ids" UUID[],
    "target" JSONB NOT NULL DEFAULT '{}',
    "request_id" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "audit_events_school_id_at_idx" ON "audit_events"("school_id", "at");

-- AddForeignKey
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "audit_events_tenant_isolation" ON "audit_events"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- A member's disclosure log and the admins' filter by member read the subjects.
CREATE INDEX "audit_events_subjects_idx" ON "audit_events" USING GIN ("subject_ids");

-- The service's audit events, gathered for a moment across schools, written in one call: for each
-- school the function sets app.school_id for its own transaction (as the service does per
-- connection), so row-level security checks every row against its school like any insert. It
-- commits without waiting for the disk flush (see src/infra/http/audit.ts).
CREATE FUNCTION audit_append(p_events jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_school uuid;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR v_school IN SELECT DISTINCT (e ->> 'school_id')::uuid FROM jsonb_array_elements(p_events) e LOOP
    PERFORM set_config('app.school_id', v_school::text, true);
    -- A school deleted meanwhile (offboarded) loses its late events; the other schools' are kept.
    BEGIN
      INSERT INTO audit_events (school_id, at, kind, actor_kind, actor_id, action, status, subject_ids, target, request_id)
      SELECT v_school, r.at, r.kind, r.actor_kind, r.actor_id, r.action, r.status, r.subject_ids, r.target, r.request_id
        FROM jsonb_to_recordset(p_events)
             AS r(school_id uuid, at timestamptz, kind text, actor_kind text, actor_id text, action text, status int, subject_ids uuid[], target jsonb, request_id text)
       WHERE r.school_id = v_school;
    EXCEPTION WHEN foreign_key_violation THEN
      NULL;
    END;
  END LOOP;
END
$$;
