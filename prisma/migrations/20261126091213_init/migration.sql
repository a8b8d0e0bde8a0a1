-- CreateEnum
CREATE TYPE "school_status" AS ENUM ('active', 'disabled');

-- CreateEnum
CREATE TYPE "member_role" AS ENUM ('student', 'alumni', 'advisor', 'school_admin');

-- CreateEnum
CREATE TYPE "member_status" AS ENUM ('active', 'disabled');

-- CreateTable
CREATE TABLE "schools" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "time_zone" TEXT NOT NULL,
    "status" "school_status" NOT NULL DEFAULT 'active',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "members" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "roles" "member_role"[],
    "status" "member_status" NOT NULL DEFAULT 'active',
    "given_name" TEXT,
    "family_name" TEXT,
    "email" TEXT,
    "major" TEXT,
    "graduation_year" INTEGER,
    "fields_of_interest" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "background_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "members_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "identity_providers" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "jwks_uri" TEXT,
    "jwks" JSONB,
    "algorithms" TEXT[],
    "member_id_claim" TEXT NOT NULL DEFAULT 'sub',
    "roles_claim" TEXT,
    "jit_provisioning" BOOLEAN NOT NULL DEFAULT false,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "identity_providers_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "integration_clients" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "client_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "integration_clients_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "schools_slug_key" ON "schools"("slug");

-- CreateIndex
CREATE INDEX "members_school_id_graduation_year_idx" ON "members"("school_id", "graduation_year");

-- CreateIndex
CREATE INDEX "members_school_id_major_idx" ON "members"("school_id", "major");

-- CreateIndex
CREATE UNIQUE INDEX "members_school_id_external_id_key" ON "members"("school_id", "external_id");

-- CreateIndex
CREATE INDEX "identity_providers_issuer_idx" ON "identity_providers"("issuer");

-- CreateIndex
CREATE UNIQUE INDEX "identity_providers_school_id_issuer_audience_key" ON "identity_providers"("school_id", "issuer", "audience");

-- CreateIndex
CREATE UNIQUE INDEX "integration_clients_school_id_client_id_key" ON "integration_clients"("school_id", "client_id");

-- AddForeignKey
ALTER TABLE "members" ADD CONSTRAINT "members_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "identity_providers" ADD CONSTRAINT "identity_providers_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integration_clients" ADD CONSTRAINT "integration_clients_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "members" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "members" FORCE ROW LEVEL SECURITY;
CREATE POLICY "members_tenant_isolation" ON "members"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "identity_providers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "identity_providers" FORCE ROW LEVEL SECURITY;
CREATE POLICY "identity_providers_tenant_isolation" ON "identity_providers"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "integration_clients" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration_clients" FORCE ROW LEVEL SECURITY;
CREATE POLICY "integration_clients_tenant_isolation" ON "integration_clients"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- A member holds at least one role.
ALTER TABLE "members" ADD CONSTRAINT "members_roles_present" CHECK (cardinality("roles") >= 1);

-- Authentication must find which school trusts a token's issuer before any school is known. This
-- function, owned by the migration role, answers only that: the (school, provider) pairs for an
-- issuer. The service role may call it but cannot read identity_providers across schools itself.
CREATE FUNCTION "identity_providers_for_issuer"(p_issuer TEXT)
RETURNS TABLE ("school_id" UUID, "id" UUID)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT "school_id", "id" FROM "identity_providers" WHERE "issuer" = p_issuer AND "enabled" $$;
REVOKE ALL ON FUNCTION "identity_providers_for_issuer"(TEXT) FROM PUBLIC;

-- FORCE ROW LEVEL SECURITY applies to the owner too; this policy lets the function above (which
-- runs as the owner) read across schools. It names the migrating role, so it is created here.
DO $$ BEGIN
  EXECUTE format('CREATE POLICY "identity_providers_issuer_lookup" ON "identity_providers" FOR SELECT TO %I USING (true)', current_user);
END $$;

-- Time-ordered UUIDs (version 7) for rows inserted by SQL; Prisma generates the same kind itself.
-- PostgreSQL 18 has uuidv7(); this works from PostgreSQL 13 on.
CREATE FUNCTION "uuid_generate_v7"() RETURNS UUID LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
