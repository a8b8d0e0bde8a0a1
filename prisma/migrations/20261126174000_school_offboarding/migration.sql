-- Offboarding a school (GDPR Art. 28(3)(g)): once every row of the school's tenant tables is deleted
-- (by the service, as its role, under row-level security), the schools row itself goes. The service
-- role may not delete schools (the table is not a tenant table), so this function does it, for a
-- school that a platform operator disabled first and that has no rows left anywhere (the foreign
-- keys refuse otherwise). It answers the id deleted.
CREATE FUNCTION delete_offboarded_school(p_school uuid) RETURNS TABLE (school_id uuid)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM schools WHERE id = p_school AND status = 'disabled' RETURNING id
$$;
REVOKE ALL ON FUNCTION delete_offboarded_school(uuid) FROM PUBLIC;
