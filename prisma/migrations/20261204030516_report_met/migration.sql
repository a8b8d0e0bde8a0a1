-- CreateTable
CREATE TABLE "report_met" (
    "school_id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "organization" TEXT NOT NULL,
    "industry" TEXT NOT NULL,
    "days" DATE[],
    "first_day" DATE NOT NULL,
    "last_day" DATE NOT NULL,

    CONSTRAINT "report_met_pkey" PRIMARY KEY ("school_id","student_id","contact_id")
);

-- CreateIndex
CREATE INDEX "report_met_school_id_last_day_idx" ON "report_met"("school_id", "last_day");

-- AddForeignKey
ALTER TABLE "report_met" ADD CONSTRAINT "report_met_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "report_met" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "report_met" FORCE ROW LEVEL SECURITY;
CREATE POLICY "report_met_tenant_isolation" ON "report_met"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Who each student met, as one row per (student, contact) instead of report cells per day and per
-- month: a perspectives report then reads one row per person met instead of grouping and summing
-- cells (docs/BENCHMARKS.md, reporting). report_met_rows is the one definition: the rows of some
-- pairs (school, student, contact) computed from their meetings, one row per pair with a completed
-- meeting. The triggers recompute the pairs a statement touched with it, in the same transaction,
-- and report_rebuild a whole school's. (A view grouped over all meetings would be the same rows, but
-- PostgreSQL cannot push a join's pair into a grouped view: every refresh would read the school.)
CREATE FUNCTION report_met_rows(p_schools uuid[], p_students uuid[], p_contacts uuid[])
RETURNS TABLE (school_id uuid, student_id uuid, contact_id uuid, organization text, industry text, days date[], first_day date, last_day date)
LANGUAGE sql STABLE AS $$
  SELECT m.school_id, m.student_id, m.contact_id, report_key(c.organization), report_key(c.industry),
         array_agg(DISTINCT (m.completed_at AT TIME ZONE s.time_zone)::date ORDER BY (m.completed_at AT TIME ZONE s.time_zone)::date),
         min((m.completed_at AT TIME ZONE s.time_zone)::date), max((m.completed_at AT TIME ZONE s.time_zone)::date)
    FROM (SELECT DISTINCT t.s, t.st, t.c FROM unnest(p_schools, p_students, p_contacts) AS t(s, st, c)) t
    JOIN meetings m ON m.school_id = t.s AND m.contact_id = t.c AND m.student_id = t.st AND m.completed_at IS NOT NULL
    JOIN contacts c ON c.school_id = m.school_id AND c.id = m.contact_id
    JOIN schools s ON s.id = m.school_id
   GROUP BY m.school_id, m.student_id, m.contact_id, c.organization, c.industry
$$;

-- Every pair of a school with a completed meeting, for report_met_rows: a rebuild, and the tests that
-- compare report_met with its definition.
CREATE FUNCTION report_met_of_school(p_school uuid)
RETURNS TABLE (school_id uuid, student_id uuid, contact_id uuid, organization text, industry text, days date[], first_day date, last_day date)
LANGUAGE sql STABLE AS $$
  SELECT r.* FROM (SELECT array_agg(school_id) AS schools, array_agg(student_id) AS students, array_agg(contact_id) AS contacts
                     FROM (SELECT DISTINCT school_id, student_id, contact_id FROM meetings WHERE school_id = p_school AND completed_at IS NOT NULL) p) pairs
   CROSS JOIN LATERAL report_met_rows(pairs.schools, pairs.students, pairs.contacts) r
$$;

-- The locks that make writers of report_met take turns, held to the end of the transaction. A
-- writer of a few contacts' pairs takes its school's lock shared, then each contact's lock (a
-- contact is one student's, so its lock covers the meeting path and the contact path alike), in one
-- order, so two writers cannot deadlock. A writer of many (a bulk statement, an offboarding, a
-- rebuild) takes its school's lock exclusively instead: one lock, where one per contact could fill
-- PostgreSQL's shared lock table, and the school's other writers wait for it.
-- The lock key of a school's report_met writers, or of one contact's (report_met_lock, report_rebuild).
CREATE FUNCTION report_met_key(p_school uuid, p_contact uuid DEFAULT NULL) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT hashtextextended('report_met:' || p_school::text || coalesce(':' || p_contact::text, ''), 0)
$$;

CREATE FUNCTION report_met_lock(p_schools uuid[], p_contacts uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(DISTINCT (s, c)) FROM unnest(p_schools, p_contacts) AS t(s, c)) > 64 THEN
    PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT report_met_key(s) AS k FROM unnest(p_schools) s ORDER BY 1) keys;
  ELSE
    PERFORM pg_advisory_xact_lock_shared(k) FROM (SELECT DISTINCT report_met_key(s) AS k FROM unnest(p_schools) s ORDER BY 1) keys;
    PERFORM pg_advisory_xact_lock(k) FROM (SELECT DISTINCT report_met_key(s, c) AS k FROM unnest(p_schools, p_contacts) AS t(s, c) ORDER BY 1) keys;
  END IF;
END
$$;

-- Recomputes the rows of some pairs (school, student, contact). Two transactions touching one
-- contact's pairs take turns (report_met_lock), and the recomputation that follows the lock is a
-- statement of its own, whose snapshot (read committed) holds what the other committed before the
-- lock was granted: its meetings and the contact's organization and industry.
CREATE FUNCTION report_met_refresh(p_schools uuid[], p_students uuid[], p_contacts uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_met_lock(p_schools, p_contacts);
  DELETE FROM report_met r USING unnest(p_schools, p_students, p_contacts) AS t(s, st, c)
   WHERE r.school_id = t.s AND r.student_id = t.st AND r.contact_id = t.c;
  INSERT INTO report_met (school_id, student_id, contact_id, organization, industry, days, first_day, last_day)
  SELECT * FROM report_met_rows(p_schools, p_students, p_contacts);
END
$$;

-- The pairs whose rows a meeting statement may have changed: those of rows whose pair or
-- completion differs between before and after (an unchanged completed meeting changes nothing).
CREATE FUNCTION report_meeting_met(old_rows meetings[], new_rows meetings[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  touched record;
BEGIN
  SELECT array_agg(school_id) AS schools, array_agg(student_id) AS students, array_agg(contact_id) AS contacts INTO touched
    FROM (SELECT DISTINCT school_id, student_id, contact_id FROM (
            (SELECT o.school_id, o.id, o.student_id, o.contact_id, o.completed_at FROM unnest(old_rows) o WHERE o.completed_at IS NOT NULL
             EXCEPT ALL
             SELECT n.school_id, n.id, n.student_id, n.contact_id, n.completed_at FROM unnest(new_rows) n WHERE n.completed_at IS NOT NULL)
            UNION ALL
            (SELECT n.school_id, n.id, n.student_id, n.contact_id, n.completed_at FROM unnest(new_rows) n WHERE n.completed_at IS NOT NULL
             EXCEPT ALL
             SELECT o.school_id, o.id, o.student_id, o.contact_id, o.completed_at FROM unnest(old_rows) o WHERE o.completed_at IS NOT NULL)
          ) changed) pairs;
  IF touched.schools IS NOT NULL THEN
    PERFORM report_met_refresh(touched.schools, touched.students, touched.contacts);
  END IF;
END
$$;

-- A contact whose organization or industry changed (as reports compare them) moves the pairs of
-- its completed meetings. The contacts are locked first and their pairs found after, so a meeting
-- completed meanwhile by another transaction is found once that one commits (its refresh read the
-- contact as it was).
CREATE FUNCTION report_contact_met(old_rows contacts[], new_rows contacts[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed record;
  touched record;
BEGIN
  SELECT array_agg(n.school_id) AS schools, array_agg(n.id) AS contacts INTO changed
    FROM unnest(old_rows) o JOIN unnest(new_rows) n ON n.school_id = o.school_id AND n.id = o.id
   WHERE (report_key(n.organization), report_key(n.industry)) IS DISTINCT FROM (report_key(o.organization), report_key(o.industry));
  IF changed.schools IS NULL THEN
    RETURN;
  END IF;
  PERFORM report_met_lock(changed.schools, changed.contacts);
  SELECT array_agg(school_id) AS schools, array_agg(student_id) AS students, array_agg(contact_id) AS contacts INTO touched
    FROM (SELECT DISTINCT m.school_id, m.student_id, m.contact_id
            FROM unnest(changed.schools, changed.contacts) AS t(s, c)
            JOIN meetings m ON m.school_id = t.s AND m.contact_id = t.c AND m.completed_at IS NOT NULL) pairs;
  IF touched.schools IS NOT NULL THEN
    PERFORM report_met_refresh(touched.schools, touched.students, touched.contacts);
  END IF;
END
$$;

-- The cells no longer record who a student met (`met`, `met_month`): report_met does.
CREATE OR REPLACE FUNCTION report_meeting_cells(m meetings, c contacts, time_zone text)
RETURNS TABLE (metric text, day date, kind text, status text, source text, channel text, student_id uuid, contact_id uuid, organization text, industry text)
LANGUAGE sql STABLE AS $$
  SELECT v.metric, v.day, v.kind, v.status, v.source, '', '00000000-0000-0000-0000-000000000000'::uuid, '00000000-0000-0000-0000-000000000000'::uuid, '', ''
    FROM (VALUES
      ('meetings_requested', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, true),
      ('meetings_scheduled', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, m.starts_at IS NOT NULL),
      ('meetings_completed', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, m.completed_at IS NOT NULL),
      ('thank_you_sent', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, m.thank_you_sent_at IS NOT NULL),
      ('thank_you_on_time', (m.created_at AT TIME ZONE time_zone)::date, m.kind::text, '', c.source::text, m.thank_you_on_time IS TRUE),
      ('meetings_by_status', (coalesce(m.starts_at, m.created_at) AT TIME ZONE time_zone)::date, m.kind::text, m.status::text, '', true),
      ('completed_on', (m.completed_at AT TIME ZONE time_zone)::date, m.kind::text, '', '', m.completed_at IS NOT NULL)
    ) v(metric, day, kind, status, source, counted)
   WHERE v.counted
$$;

-- The meeting branches also refresh report_met, only for statements that touched a completed
-- meeting (before or after): a new request or a rescheduling costs one EXISTS. Each branch builds
-- the statement's rows once, for the cells and for report_met.
CREATE OR REPLACE FUNCTION report_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_meetings meetings[] := ARRAY[]::meetings[];
  new_meetings meetings[] := ARRAY[]::meetings[];
BEGIN
  IF TG_TABLE_NAME = 'meetings' THEN
    IF TG_OP = 'INSERT' THEN
      new_meetings := ARRAY(SELECT n::meetings FROM new_rows n);
    ELSIF TG_OP = 'UPDATE' THEN
      old_meetings := ARRAY(SELECT o::meetings FROM old_rows o);
      new_meetings := ARRAY(SELECT n::meetings FROM new_rows n);
    ELSE
      old_meetings := ARRAY(SELECT o::meetings FROM old_rows o);
    END IF;
    PERFORM report_meeting_deltas(old_meetings, new_meetings);
    IF EXISTS (SELECT 1 FROM unnest(old_meetings) o WHERE o.completed_at IS NOT NULL)
       OR EXISTS (SELECT 1 FROM unnest(new_meetings) n WHERE n.completed_at IS NOT NULL) THEN
      PERFORM report_meeting_met(old_meetings, new_meetings);
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
      PERFORM report_contact_met(ARRAY(SELECT o::contacts FROM old_rows o), ARRAY(SELECT n::contacts FROM new_rows n));
    ELSE
      PERFORM report_contact_deltas(ARRAY(SELECT o::contacts FROM old_rows o), ARRAY[]::contacts[]);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION report_rebuild(p_school uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.school_id', p_school::text, true);
  PERFORM pg_advisory_xact_lock(hashtextextended('report_cells:' || p_school::text, 0));
  DELETE FROM report_cells WHERE school_id = p_school;
  -- Deltas committed before this statement's snapshot describe rows it reads; later ones stay.
  WITH gone AS (DELETE FROM report_cell_deltas WHERE school_id = p_school)
  INSERT INTO report_cells (school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, count)
  SELECT school_id, metric, day, kind, status, source, channel, student_id, contact_id, organization, industry, sum(count)::int
    FROM report_cells_raw WHERE school_id = p_school GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  -- The school's report_met writers wait (report_met_lock), so no refresh runs between these two.
  PERFORM pg_advisory_xact_lock(report_met_key(p_school));
  DELETE FROM report_met WHERE school_id = p_school;
  INSERT INTO report_met (school_id, student_id, contact_id, organization, industry, days, first_day, last_day)
  SELECT * FROM report_met_of_school(p_school);
END
$$;

-- Existing data: every school rebuilt (its cells without the met metrics, its report_met rows),
-- each with the school set, as row-level security requires of a role that is not a superuser.
DO $$
DECLARE
  school record;
BEGIN
  FOR school IN SELECT id FROM schools LOOP
    PERFORM report_rebuild(school.id);
  END LOOP;
END
$$;
