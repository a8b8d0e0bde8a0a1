-- CreateTable
CREATE TABLE "report_cells" (
    "school_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL DEFAULT '',
    "student_id" UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
    "contact_id" UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
    "organization" TEXT NOT NULL DEFAULT '',
    "industry" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL,

    CONSTRAINT "report_cells_pkey" PRIMARY KEY ("school_id","metric","day","kind","status","source","channel","student_id","contact_id","organization","industry")
);

-- CreateTable
CREATE TABLE "report_cell_deltas" (
    "school_id" UUID NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "metric" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL DEFAULT '',
    "student_id" UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
    "contact_id" UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000'::uuid,
    "organization" TEXT NOT NULL DEFAULT '',
    "industry" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL,

    CONSTRAINT "report_cell_deltas_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "report_cell_deltas_school_id_metric_day_idx" ON "report_cell_deltas"("school_id", "metric", "day");

-- CreateIndex
CREATE INDEX "host_requests_school_id_created_at_idx" ON "host_requests"("school_id", "created_at");

-- AddForeignKey
ALTER TABLE "report_cells" ADD CONSTRAINT "report_cells_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "report_cell_deltas" ADD CONSTRAINT "report_cell_deltas_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "report_cells" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "report_cells" FORCE ROW LEVEL SECURITY;
CREATE POLICY "report_cells_tenant_isolation" ON "report_cells"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "report_cell_deltas" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "report_cell_deltas" FORCE ROW LEVEL SECURITY;
CREATE POLICY "report_cell_deltas_tenant_isolation" ON "report_cell_deltas"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- The reporting lists' own indexes, partial on the status they list. Under row-level security a
-- comparison that is not leakproof (enum equality, enum_eq, is not) cannot be an index condition,
-- so an index that leads with (school_id, status, ...) is scanned for every status of the school;
-- a partial index's predicate still selects the rows. Prisma keeps hand-made partial indexes.
CREATE INDEX "meetings_overdue_thank_you_idx" ON "meetings" ("school_id", "thank_you_due_at", "id") WHERE "status" = 'completed';
CREATE INDEX "host_requests_waiting_idx" ON "host_requests" ("school_id", "created_at", "id") WHERE "status" = 'pending';
-- The same for the expiry sweep's check, which every host and host-request route runs first
-- (measured on 6,000 requests of one school: 0.62 ms reading every status, now a lookup).
CREATE INDEX "host_requests_due_idx" ON "host_requests" ("school_id", "expires_at") WHERE "status" = 'pending';

-- Reporting rollups. A "cell" is a count for (metric, school-local day, dimensions). The cell
-- functions below are the one definition of what each row contributes: the raw view applies them
-- to every row (filtered reports read it), the statement triggers apply them to the rows a
-- statement changed (-1 for the old version, +1 for the new) and append the difference to
-- report_cell_deltas, and report_compact folds the deltas into report_cells. Invariant, for every
-- school: report_cells + report_cell_deltas = report_cells_raw, summed per cell.

-- How organizations and industries are compared: without case or surrounding spaces.
CREATE FUNCTION report_key(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(lower(btrim(value)), '')
$$;

CREATE FUNCTION report_contact_cells(c contacts, time_zone text)
RETURNS TABLE (metric text, day date, kind text, status text, source text, channel text, student_id uuid, contact_id uuid, organization text, industry text)
LANGUAGE sql STABLE AS $$
  SELECT 'contacts_added', (c.created_at AT TIME ZONE time_zone)::date, '', '', c.source::text, '', '00000000-0000-0000-0000-000000000000'::uuid, '00000000-0000-0000-0000-000000000000'::uuid, '', ''
$$;

CREATE FUNCTION report_outreach_cells(o outreach, c contacts, time_zone text)
RETURNS TABLE (metric text, day date, kind text, status text, source text, channel text, student_id uuid, contact_id uuid, organization text, industry text)
LANGUAGE sql STABLE AS $$
  SELECT v.metric, (o.sent_at AT TIME ZONE time_zone)::date, '', '', c.source::text, o.channel::text, '00000000-0000-0000-0000-000000000000'::uuid, '00000000-0000-0000-0000-000000000000'::uuid, '', ''
    FROM (VALUES ('outreach_sent', true), ('outreach_replied', o.outcome <> 'no_reply')) v(metric, counted)
   WHERE v.counted
$$;

-- Funnel steps are counted by the day the meeting was requested (a cohort); meetings over time by
-- the meeting's own day (its start, or its request while it has none); `completed_on` by the day it
-- was completed. `met` (per day) and `met_month` (per month, dated the 1st) record who a student
-- met, with the person's organization and industry: perspectives read whole months of the range
-- from `met_month` and only the days at its edges from `met`.
CREATE FUNCTION report_meeting_cells(m meetings, c contacts, time_zone text)
RETURNS TABLE (metric text, day date, kind text, status text, source text, channel text, student_id uuid, contact_id uuid, organization text, industry text)
LANGUAGE sql STABLE AS $$
  SELECT v.metric, v.day, v.kind, v.status, v.source, '', coalesce(v.student_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(v.contact_id, '00000000-0000-0000-0000-000000000000'::uuid),
         CASE WHEN v.person THEN report_key(c.organization) ELSE '' END, CASE WHEN v.person THEN report_key(c.industry) ELSE '' END
    FROM (VALUES
      ('meetings_requested', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, NULL::uuid, NULL::uuid, false, true),
      ('meetings_scheduled', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, NULL, NULL, false, m.starts_at IS NOT NULL),
      ('meetings_completed', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, NULL, NULL, false, m.completed_at IS NOT NULL),
      ('thank_you_sent', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, NULL, NULL, false, m.thank_you_sent_at IS NOT NULL),
      ('thank_you_on_time', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, NULL, NULL, false, m.thank_you_on_time IS TRUE),
      ('meetings_by_status', (coalesce(m.starts_at, m.created_at) AT TIME ZONE time_zone)::date, m.kind::text, m.status::text, '', NULL, NULL, false, true),
      ('completed_on', (m.completed_at AT TIME ZONE time_zone)::date, m.kind::text, '', '', NULL, NULL, false, m.completed_at IS NOT NULL),
      ('met', (m.completed_at AT TIME ZONE time_zone)::date, '', '', '', m.student_id, m.contact_id, true, m.completed_at IS NOT NULL),
      ('met_month', date_trunc('month', m.completed_at AT TIME ZONE time_zone)::date, '', '', '', m.student_id, m.contact_id, true, m.completed_at IS NOT NULL)
    ) v(metric, day, kind, status, source, student_id, contact_id, person, counted)
   WHERE v.counted
$$;

-- Every cell of every row, with the student the row belongs to (for filtered reports).
CREATE VIEW report_cells_raw WITH (security_invoker = true) AS
  SELECT c.school_id, c.student_id AS owner_student_id, x.*, 1 AS count
    FROM contacts c JOIN schools s ON s.id = c.school_id CROSS JOIN LATERAL report_contact_cells(c, s.time_zone) x
  UNION ALL
  SELECT o.school_id, o.student_id, x.*, 1
    FROM outreach o JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id JOIN schools s ON s.id = o.school_id
   CROSS JOIN LATERAL report_outreach_cells(o, c, s.time_zone) x
  UNION ALL
  SELECT m.school_id, m.student_id, x.*, 1
    FROM meetings m JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id JOIN schools s ON s.id = m.school_id
   CROSS JOIN LATERAL report_meeting_cells(m, c, s.time_zone) x;

-- The deltas of one statement: old rows count -1, new rows +1, unchanged cells cancel out.
-- Writers only append, so concurrent writers never wait on a shared counter row. Each function
-- takes the statement's old and new rows (a transition table can be named only by the trigger
-- of its own event, so the triggers pass them as arrays).
CREATE FUNCTION report_contact_deltas(old_rows contacts[], new_rows contacts[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_cell_deltas (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM (
      SELECT o.school_id, x.*, -1 AS count FROM unnest(old_rows) o JOIN schools s ON s.id = o.school_id CROSS JOIN LATERAL report_contact_cells(o, s.time_zone) x
      UNION ALL
      SELECT n.school_id, x.*, 1 FROM unnest(new_rows) n JOIN schools s ON s.id = n.school_id CROSS JOIN LATERAL report_contact_cells(n, s.time_zone) x
      -- Where a contact's source, organization or industry changed, its outreach and meetings' cells move with it.
      UNION ALL
      SELECT r.school_id, x.*, v.sign
        FROM unnest(old_rows) o JOIN unnest(new_rows) n ON n.school_id = o.school_id AND n.id = o.id
         AND (n.source, report_key(n.organization), report_key(n.industry)) IS DISTINCT FROM (o.source, report_key(o.organization), report_key(o.industry))
        JOIN schools s ON s.id = n.school_id
        CROSS JOIN LATERAL (VALUES (o, -1), (n, 1)) v(contact, sign)
        JOIN outreach r ON r.school_id = n.school_id AND r.contact_id = n.id
        CROSS JOIN LATERAL report_outreach_cells(r, v.contact, s.time_zone) x
      UNION ALL
      SELECT m.school_id, x.*, v.sign
        FROM unnest(old_rows) o JOIN unnest(new_rows) n ON n.school_id = o.school_id AND n.id = o.id
         AND (n.source, report_key(n.organization), report_key(n.industry)) IS DISTINCT FROM (o.source, report_key(o.organization), report_key(o.industry))
        JOIN schools s ON s.id = n.school_id
        CROSS JOIN LATERAL (VALUES (o, -1), (n, 1)) v(contact, sign)
        JOIN meetings m ON m.school_id = n.school_id AND m.contact_id = n.id
        CROSS JOIN LATERAL report_meeting_cells(m, v.contact, s.time_zone) x
    ) changes
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  HAVING sum(count) <> 0;
END
$$;

-- Outreach whose contact no longer exists is skipped: see report_contact_deleting.
CREATE FUNCTION report_outreach_deltas(old_rows outreach[], new_rows outreach[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_cell_deltas (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM (
      SELECT o.school_id, x.*, -1 AS count
        FROM unnest(old_rows) o JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id JOIN schools s ON s.id = o.school_id
       CROSS JOIN LATERAL report_outreach_cells(o, c, s.time_zone) x
      UNION ALL
      SELECT n.school_id, x.*, 1
        FROM unnest(new_rows) n JOIN contacts c ON c.school_id = n.school_id AND c.id = n.contact_id JOIN schools s ON s.id = n.school_id
       CROSS JOIN LATERAL report_outreach_cells(n, c, s.time_zone) x
    ) changes
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  HAVING sum(count) <> 0;
END
$$;

CREATE FUNCTION report_meeting_deltas(old_rows meetings[], new_rows meetings[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_cell_deltas (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM (
      SELECT o.school_id, x.*, -1 AS count
        FROM unnest(old_rows) o JOIN contacts c ON c.school_id = o.school_id AND c.id = o.contact_id JOIN schools s ON s.id = o.school_id
       CROSS JOIN LATERAL report_meeting_cells(o, c, s.time_zone) x
      UNION ALL
      SELECT n.school_id, x.*, 1
        FROM unnest(new_rows) n JOIN contacts c ON c.school_id = n.school_id AND c.id = n.contact_id JOIN schools s ON s.id = n.school_id
       CROSS JOIN LATERAL report_meeting_cells(n, c, s.time_zone) x
    ) changes
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  HAVING sum(count) <> 0;
END
$$;

-- Static statements, one per table and event (a branch that names a transition table its trigger
-- lacks is never run, so never parsed): PL/pgSQL keeps their plans for the session, where dynamic
-- SQL would plan every statement again (measured: three times the cost of a single-row insert).
CREATE FUNCTION report_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'meetings' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM report_meeting_deltas(ARRAY[]::meetings[], ARRAY(SELECT n::meetings FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM report_meeting_deltas(ARRAY(SELECT o::meetings FROM old_rows o), ARRAY(SELECT n::meetings FROM new_rows n));
    ELSE
      PERFORM report_meeting_deltas(ARRAY(SELECT o::meetings FROM old_rows o), ARRAY[]::meetings[]);
    END IF;
  ELSIF TG_TABLE_NAME = 'outreach' THEN
    IF TG_OP = 'INSERT' THEN
      PERFORM report_outreach_deltas(ARRAY[]::outreach[], ARRAY(SELECT n::outreach FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM report_outreach_deltas(ARRAY(SELECT o::outreach FROM old_rows o), ARRAY(SELECT n::outreach FROM new_rows n));
    ELSE
      PERFORM report_outreach_deltas(ARRAY(SELECT o::outreach FROM old_rows o), ARRAY[]::outreach[]);
    END IF;
  ELSE
    IF TG_OP = 'INSERT' THEN
      PERFORM report_contact_deltas(ARRAY[]::contacts[], ARRAY(SELECT n::contacts FROM new_rows n));
    ELSIF TG_OP = 'UPDATE' THEN
      PERFORM report_contact_deltas(ARRAY(SELECT o::contacts FROM old_rows o), ARRAY(SELECT n::contacts FROM new_rows n));
    ELSE
      PERFORM report_contact_deltas(ARRAY(SELECT o::contacts FROM old_rows o), ARRAY[]::contacts[]);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

-- A contact's outreach is deleted with it (ON DELETE CASCADE); by the time the outreach trigger
-- runs, the contact is gone and its source unknown. Take the outreach's cells out here, while
-- both rows exist.
CREATE FUNCTION report_contact_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_outreach_deltas(ARRAY(SELECT r FROM outreach r WHERE r.school_id = OLD.school_id AND r.contact_id = OLD.id), ARRAY[]::outreach[]);
  RETURN OLD;
END
$$;

CREATE TRIGGER report_contacts_inserted AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_contacts_updated AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_contacts_deleted AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_contact_deleting BEFORE DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION report_contact_deleting();
CREATE TRIGGER report_outreach_inserted AFTER INSERT ON outreach REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_outreach_updated AFTER UPDATE ON outreach REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_outreach_deleted AFTER DELETE ON outreach REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_meetings_inserted AFTER INSERT ON meetings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_meetings_updated AFTER UPDATE ON meetings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();
CREATE TRIGGER report_meetings_deleted AFTER DELETE ON meetings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_rows_changed();

-- Folds a school's deltas into report_cells. Compactions of one school take turns (advisory
-- lock); writers never wait. Deleting the deltas and adding them up is one statement, so a read
-- (one statement, one snapshot) sees each change exactly once, before or after.
CREATE FUNCTION report_compact(p_school uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  moved integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('report_cells:' || p_school::text, 0));
  WITH gone AS (DELETE FROM report_cell_deltas WHERE school_id = p_school RETURNING *)
  INSERT INTO report_cells AS r (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM gone GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(count) <> 0
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ON CONFLICT (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry)
  DO UPDATE SET count = r.count + excluded.count;
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN moved;
END
$$;

-- Recomputes a school's cells from its rows: after a change of the school's time zone (which moves
-- every day), and to prove the incremental rollup right. The school is set for this transaction
-- only, so the platform connection that changes a school's time zone may call it.
CREATE FUNCTION report_rebuild(p_school uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.school_id', p_school::text, true);
  PERFORM pg_advisory_xact_lock(hashtextextended('report_cells:' || p_school::text, 0));
  DELETE FROM report_cells WHERE school_id = p_school;
  -- Deltas committed before this statement's snapshot describe rows it reads; later ones stay.
  WITH gone AS (DELETE FROM report_cell_deltas WHERE school_id = p_school)
  INSERT INTO report_cells (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM report_cells_raw WHERE school_id = p_school GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
END
$$;

CREATE FUNCTION report_school_time_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_rebuild(NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER report_school_time_zone_changed AFTER UPDATE OF time_zone ON schools
  FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION report_school_time_zone_changed();

-- Existing data.
DO $$
DECLARE
  school record;
BEGIN
  FOR school IN SELECT id FROM schools LOOP
    PERFORM report_rebuild(school.id);
  END LOOP;
END
$$;
