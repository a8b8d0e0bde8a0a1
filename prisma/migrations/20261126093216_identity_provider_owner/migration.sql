-- A token's issuer and audience must lead to exactly one school. Uniqueness across schools cannot be
-- a unique index (on Citus every unique index of a distributed table includes school_id), so the
-- service checks it through this function, under an advisory lock on the pair, before it creates or
-- changes a provider. Like identity_providers_for_issuer it runs as the owner and answers only ids.
CREATE FUNCTION "identity_provider_owners"(p_issuer TEXT, p_audience TEXT)
RETURNS TABLE ("school_id" UUID, "id" UUID)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT "school_id", "id" FROM "identity_providers" WHERE "issuer" = p_issuer AND "audience" = p_audience $$;
REVOKE ALL ON FUNCTION "identity_provider_owners"(TEXT, TEXT) FROM PUBLIC;
