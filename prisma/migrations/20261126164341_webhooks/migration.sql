-- CreateEnum
CREATE TYPE "webhook_status" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "webhook_subscriptions" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[],
    "status" "webhook_status" NOT NULL DEFAULT 'active',
    "disabled_reason" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "secret" TEXT NOT NULL,
    "previous_secret" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_subscriptions_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "data" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "subscription_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" JSONB NOT NULL DEFAULT '[]',
    "queued" BOOLEAN NOT NULL DEFAULT false,
    "next_attempt_at" TIMESTAMPTZ(3) DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "webhook_events_school_id_subject_id_idx" ON "webhook_events"("school_id", "subject_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_school_id_subscription_id_created_at_idx" ON "webhook_deliveries"("school_id", "subscription_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_school_id_event_id_idx" ON "webhook_deliveries"("school_id", "event_id");

-- AddForeignKey
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_school_id_subscription_id_fkey" FOREIGN KEY ("school_id", "subscription_id") REFERENCES "webhook_subscriptions"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_school_id_event_id_fkey" FOREIGN KEY ("school_id", "event_id") REFERENCES "webhook_events"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "webhook_subscriptions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_subscriptions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "webhook_subscriptions_tenant_isolation" ON "webhook_subscriptions"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "webhook_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "webhook_events_tenant_isolation" ON "webhook_events"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "webhook_deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY "webhook_deliveries_tenant_isolation" ON "webhook_deliveries"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- A reminder or an expiry is announced once per subject, also when two instances run the same
-- scheduled task at once: the second insert finds this index taken and emits nothing.
CREATE UNIQUE INDEX "webhook_events_once_idx" ON "webhook_events" ("school_id", "type", "subject_id")
  WHERE "type" IN ('thank_you.due_soon', 'thank_you.overdue', 'host_request.expired');

-- The outbox. webhook_emit records an event and one delivery per active subscription that wants
-- its type, in the caller's transaction: the change, its event and its deliveries commit or roll
-- back together. A school with no subscription for the type pays one index lookup.
--
-- The deliveries are then sent by the job queue (graphile-worker, schema graphile_worker, installed
-- with the migrations): a `webhook_dispatch` job of the school queues one `webhook_deliver` job per
-- delivery. webhook_emit adds the dispatch job only when the school has none waiting, because adding
-- a job sends a NOTIFY, and PostgreSQL serializes the commits of all transactions that NOTIFY (one
-- lock for the whole database, held through the commit's flush): adding a job in every request
-- made every write of every school wait in one line (benchmarked: 0.62 of the throughput). A
-- delivery written while its school's dispatch job was being taken is found by the next dispatch,
-- or by the minute task's sweep (webhook_dispatch_stale).
CREATE FUNCTION webhook_emit(p_school uuid, p_type text, p_subject uuid, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_event uuid;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions s
                  WHERE s.school_id = p_school AND s.status = 'active' AND p_type = ANY (s.event_types)) THEN
    RETURN;
  END IF;
  INSERT INTO webhook_events (school_id, type, subject_id, data) VALUES (p_school, p_type, p_subject, p_data)
    ON CONFLICT DO NOTHING RETURNING id INTO v_event;
  IF v_event IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO webhook_deliveries (school_id, subscription_id, event_id)
  SELECT p_school, s.id, v_event FROM webhook_subscriptions s
   WHERE s.school_id = p_school AND s.status = 'active' AND p_type = ANY (s.event_types);
  PERFORM webhook_arm_dispatch(p_school);
END
$$;

-- Adds the school's dispatch job unless one is already waiting (not yet taken by a worker).
CREATE FUNCTION webhook_arm_dispatch(p_school uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j
                  WHERE j.key = 'webhook-dispatch:' || p_school AND j.locked_at IS NULL) THEN
    PERFORM graphile_worker.add_job('webhook_dispatch', json_build_object('schoolId', p_school),
                                    job_key => 'webhook-dispatch:' || p_school, job_key_mode => 'preserve_run_at');
  END IF;
END
$$;

-- The deliveries waiting for a dispatch, per school (the dispatch and the sweep read them in order).
CREATE INDEX "webhook_deliveries_undispatched_idx" ON "webhook_deliveries" ("school_id", "created_at", "id")
  WHERE "status" = 'pending' AND NOT "queued";

-- What each change announces. Payloads name ids only: a consumer reads the details through the API
-- with its own access, and an erased member leaves no copy in an event.
CREATE FUNCTION webhook_meeting_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_type text := CASE NEW.status WHEN 'requested' THEN 'meeting.requested' WHEN 'scheduled' THEN 'meeting.scheduled'
                   WHEN 'completed' THEN 'meeting.completed' WHEN 'cancelled' THEN 'meeting.cancelled' END;
BEGIN
  IF v_type IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM NEW.status) THEN
    PERFORM webhook_emit(NEW.school_id, v_type, NEW.id,
      jsonb_build_object('meetingId', NEW.id, 'studentId', NEW.student_id, 'contactId', NEW.contact_id, 'kind', NEW.kind, 'status', NEW.status));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION webhook_referral_created() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_emit(NEW.school_id, 'referral.created', NEW.id,
    jsonb_build_object('referralId', NEW.id, 'studentId', NEW.student_id, 'meetingId', NEW.meeting_id,
                       'referrerContactId', NEW.referrer_contact_id, 'referredContactId', NEW.referred_contact_id));
  RETURN NULL;
END
$$;

CREATE FUNCTION webhook_host_request_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM webhook_emit(NEW.school_id, 'host_request.received', NEW.id,
      jsonb_build_object('hostRequestId', NEW.id, 'hostId', NEW.host_id, 'studentId', NEW.student_id, 'meetingId', NEW.meeting_id, 'programId', NEW.program_id));
  ELSIF NEW.status = 'expired' AND OLD.status IS DISTINCT FROM NEW.status THEN
    PERFORM webhook_emit(NEW.school_id, 'host_request.expired', NEW.id,
      jsonb_build_object('hostRequestId', NEW.id, 'hostId', NEW.host_id, 'studentId', NEW.student_id, 'meetingId', NEW.meeting_id, 'programId', NEW.program_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION webhook_program_published() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.published_run_id IS NOT NULL AND OLD.published_run_id IS DISTINCT FROM NEW.published_run_id THEN
    PERFORM webhook_emit(NEW.school_id, 'program.published', NEW.id,
      jsonb_build_object('programId', NEW.id, 'runId', NEW.published_run_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER webhook_meetings_inserted AFTER INSERT ON meetings FOR EACH ROW EXECUTE FUNCTION webhook_meeting_changed();
CREATE TRIGGER webhook_meetings_updated AFTER UPDATE OF status ON meetings FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_meeting_changed();
CREATE TRIGGER webhook_referrals_inserted AFTER INSERT ON referrals FOR EACH ROW EXECUTE FUNCTION webhook_referral_created();
CREATE TRIGGER webhook_host_requests_inserted AFTER INSERT ON host_requests FOR EACH ROW EXECUTE FUNCTION webhook_host_request_changed();
CREATE TRIGGER webhook_host_requests_updated AFTER UPDATE OF status ON host_requests FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_host_request_changed();
CREATE TRIGGER webhook_programs_updated AFTER UPDATE OF published_run_id ON programs FOR EACH ROW
  WHEN (OLD.published_run_id IS DISTINCT FROM NEW.published_run_id) EXECUTE FUNCTION webhook_program_published();
