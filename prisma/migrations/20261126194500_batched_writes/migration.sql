-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "actor_via" TEXT;

-- Idempotency keys: the claim is one statement on any pooled connection (no round trip to set the
-- school first: the function sets it for its own transaction, so row-level security still checks the
-- row), and the stored responses are written in batches, every school's in one call.
CREATE FUNCTION idempotency_claim(p_school uuid, p_caller text, p_key text, p_fingerprint text, p_locked_until timestamptz, p_expires_at timestamptz, p_now timestamptz)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_claimed boolean;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM set_config('app.school_id', p_school::text, true);
  -- New, expired, or a claim of the same request whose holder vanished.
  INSERT INTO idempotency_keys AS k (school_id, caller, key, fingerprint, status, locked_until, expires_at)
  VALUES (p_school, p_caller, p_key, p_fingerprint, 'running', p_locked_until, p_expires_at)
  ON CONFLICT (school_id, caller, key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, status = 'running', locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at,
         response_status = NULL, response_headers = NULL, response_body = NULL, created_at = now()
   WHERE k.expires_at <= p_now OR (k.status = 'running' AND k.locked_until <= p_now AND k.fingerprint = EXCLUDED.fingerprint)
  RETURNING true INTO v_claimed;
  RETURN coalesce(v_claimed, false);
END
$$;

-- A stored response belongs to its claim: `locked_until` tells one claim from the one that took it
-- over after the lease, so a late response of the first never lands on the second.
CREATE FUNCTION idempotency_store(p_responses jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_school uuid;
  v_rows jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR v_school, v_rows IN SELECT (e ->> 'school_id')::uuid, jsonb_agg(e) FROM jsonb_array_elements(p_responses) e GROUP BY 1 LOOP
    PERFORM set_config('app.school_id', v_school::text, true);
    UPDATE idempotency_keys k
       SET status = 'done', response_status = r.status, response_headers = r.headers, response_body = r.body
      FROM jsonb_to_recordset(v_rows) AS r(caller text, key text, locked_until timestamptz, status int, headers jsonb, body text)
     WHERE k.school_id = v_school AND k.caller = r.caller AND k.key = r.key AND k.status = 'running' AND k.locked_until = r.locked_until;
  END LOOP;
END
$$;

-- The audit log's batch: each school's events read from the batch once (it was once per school),
-- with how each actor came.
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
