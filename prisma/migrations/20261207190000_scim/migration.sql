-- SCIM 2.0 provisioning (RFC 7643/7644). A SCIM User is a member: userName is the member's
-- external id; the identity provider's own id for the person (SCIM externalId) is kept beside it.
-- DELETE through SCIM keeps the member and their history (disabled) but hides them from SCIM, which
-- answers 404 for them from then on, as RFC 7644 §3.6 asks; creating the same userName again
-- brings the member back.
ALTER TABLE "members" ADD COLUMN "scim_external_id" TEXT;
ALTER TABLE "members" ADD COLUMN "scim_deleted_at" TIMESTAMPTZ(3);
