-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "actor_via" TEXT;

-- The batch carries how each actor came.
CREATE OR REPLACE FUNCTION audit_append(p_events jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_school uuid;
  v_rows jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR v_school, v_rows IN SELECT (e ->> 'school_id')::uuid, jsonb_agg(e) FROM jsonb_array_elements(p_events) e GROUP BY 1 LOOP
    PERFORM set_config('app.school_id', v_school::text, true);
    -- A school deleted meanwhile (offboarded) loses its late events; the other schools' are kept.
    BEGIN
      INSERT INTO audit_events (school_id, at, kind, actor_kind, actor_id, actor_via, action, status, subject_ids, target, request_id)
      SELECT v_school, r.at, r.kind, r.actor_kind, r.actor_id, r.actor_via, r.action, r.status, r.subject_ids, r.target, r.request_id
        FROM jsonb_to_recordset(v_rows)
             AS r(at timestamptz, kind text, actor_kind text, actor_id text, actor_via text, action text, status int, subject_ids uuid[], target jsonb, request_id text);
    EXCEPTION WHEN foreign_key_violation THEN
      NULL;
    END;
  END LOOP;
END
$$;
