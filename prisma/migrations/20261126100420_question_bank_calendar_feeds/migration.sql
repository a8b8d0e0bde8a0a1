-- CreateEnum
CREATE TYPE "question_category" AS ENUM ('path', 'typical_day', 'likes_dislikes', 'future', 'advancement', 'advice', 'other');

-- CreateTable
CREATE TABLE "questions" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "category" "question_category" NOT NULL,
    "text" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "questions_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateTable
CREATE TABLE "calendar_feeds" (
    "school_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calendar_feeds_pkey" PRIMARY KEY ("school_id","id")
);

-- CreateIndex
CREATE INDEX "questions_school_id_category_position_idx" ON "questions"("school_id", "category", "position");

-- CreateIndex
CREATE INDEX "calendar_feeds_school_id_member_id_idx" ON "calendar_feeds"("school_id", "member_id");

-- AddForeignKey
ALTER TABLE "questions" ADD CONSTRAINT "questions_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calendar_feeds" ADD CONSTRAINT "calendar_feeds_school_id_member_id_fkey" FOREIGN KEY ("school_id", "member_id") REFERENCES "members"("school_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation
ALTER TABLE "questions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "questions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "questions_tenant_isolation" ON "questions"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));

-- Tenant isolation
ALTER TABLE "calendar_feeds" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "calendar_feeds" FORCE ROW LEVEL SECURITY;
CREATE POLICY "calendar_feeds_tenant_isolation" ON "calendar_feeds"
  USING ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid))
  WITH CHECK ("school_id" = (SELECT NULLIF(current_setting('app.school_id', true), '')::uuid));
