-- Every instance keeps schools' rows in memory (src/infra/db/school-cache.ts) and listens on this
-- channel: a changed or deleted school is announced when its transaction commits, and each instance
-- drops its copy at once instead of serving it until its time to live runs out.
CREATE FUNCTION school_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('vantage_school_changed', OLD.id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER schools_changed AFTER UPDATE OR DELETE ON schools FOR EACH ROW EXECUTE FUNCTION school_changed();
