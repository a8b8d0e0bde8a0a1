-- An issuer is trusted by one school unless the platform operator lets schools share it (a shared
-- identity-provider tenant). The service checks that through this function before it creates or
-- changes a provider; like the others it runs as the owner and answers only ids.
CREATE FUNCTION "identity_provider_issuer_schools"(p_issuer TEXT)
RETURNS TABLE ("school_id" UUID)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT DISTINCT "school_id" FROM "identity_providers" WHERE "issuer" = p_issuer $$;
REVOKE ALL ON FUNCTION "identity_provider_issuer_schools"(TEXT) FROM PUBLIC;
