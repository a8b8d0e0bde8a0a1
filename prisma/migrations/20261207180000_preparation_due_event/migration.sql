-- meeting.preparation_due: a booked meeting starts soon and a step of the guide's preparation is
-- still open (the résumé not sent, no homework notes, or no questions prepared). Announced once per
-- meeting, like the other reminders: the once-only index takes the new type too.
DROP INDEX "webhook_events_once_idx";
CREATE UNIQUE INDEX "webhook_events_once_idx" ON "webhook_events" ("school_id", "type", "subject_id")
  WHERE "type" IN ('thank_you.due_soon', 'thank_you.overdue', 'host_request.expired', 'meeting.preparation_due');

-- The reminder reads booked meetings by their start (scheduled or résumé sent).
CREATE INDEX "meetings_booked_start_idx" ON "meetings" ("school_id", "starts_at") WHERE "status" IN ('scheduled', 'resume_sent');
