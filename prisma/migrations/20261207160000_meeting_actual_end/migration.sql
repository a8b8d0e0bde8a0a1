-- The actual end of a held meeting, as the student records it on completion (the agreed end when
-- not given). Meetings completed before this column existed have none; the service reads theirs as
-- the agreed end, or the completion when that came first.
ALTER TABLE "meetings" ADD COLUMN "ended_at" TIMESTAMPTZ(3);
