-- The guide's sources of contacts: how the student knows the person (apart from how contact was
-- made, `source`), and why the person was chosen (the guide's three reasons, several allowed).
CREATE TYPE "contact_relationship" AS ENUM ('family', 'friend', 'professor', 'classmate', 'colleague', 'alumni', 'other');
CREATE TYPE "contact_reason" AS ENUM ('considered_field', 'similar_path', 'knows_organization');
ALTER TABLE "contacts"
  ADD COLUMN "relationship" "contact_relationship",
  ADD COLUMN "reasons" "contact_reason"[] NOT NULL DEFAULT '{}';

-- Search that tolerates a typo: trigram word similarity over the name, organization, title,
-- industry and occupation (not the notes, whose length would make near-misses common). pg_trgm is a
-- trusted extension: the database owner may create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "contacts_fuzzy_idx" ON "contacts" USING GIN (
  (lower("full_name" || ' ' || coalesce("organization", '') || ' ' || coalesce("title", '') || ' ' || coalesce("industry", '') || ' ' || coalesce("occupation", ''))) gin_trgm_ops
);
