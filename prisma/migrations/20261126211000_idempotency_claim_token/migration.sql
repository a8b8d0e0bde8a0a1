-- A stored response belongs to its claim: `locked_until` tells one claim from the one that took it
-- over after the lease, so a late response of the first never lands on the second.
CREATE OR REPLACE FUNCTION idempotency_store(p_responses jsonb) RETURNS void
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
