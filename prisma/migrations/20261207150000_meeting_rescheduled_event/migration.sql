-- meeting.rescheduled: a scheduled meeting's window moved (the schedule transition again, status
-- unchanged), announced like every other transition, with the same ids-only data.
CREATE FUNCTION webhook_meeting_rescheduled() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_emit(NEW.school_id, 'meeting.rescheduled', NEW.id,
    jsonb_build_object('meetingId', NEW.id, 'studentId', NEW.student_id, 'contactId', NEW.contact_id, 'kind', NEW.kind, 'status', NEW.status));
  RETURN NULL;
END
$$;

CREATE TRIGGER webhook_meetings_rescheduled AFTER UPDATE OF starts_at, ends_at ON meetings FOR EACH ROW
  WHEN (OLD.starts_at IS NOT NULL AND NEW.starts_at IS NOT NULL AND OLD.status = NEW.status
        AND (OLD.starts_at, OLD.ends_at) IS DISTINCT FROM (NEW.starts_at, NEW.ends_at))
  EXECUTE FUNCTION webhook_meeting_rescheduled();
