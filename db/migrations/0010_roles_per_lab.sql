-- Roles per lab: a membership carries the person's role in that lab; "operator" stays a
-- platform role on the account (users.is_operator). Everyone keeps what they had: each
-- membership takes the user's former role; an operator's memberships (read access to that
-- lab's data) become admin memberships, which grant nothing an operator did not have.
-- The old role is compared as text: 0004 added 'operator' to user_role, and a fresh
-- database runs both in one transaction, where PostgreSQL refuses that new value as a literal.
CREATE TYPE "public"."lab_role" AS ENUM('admin', 'technician', 'doctor');--> statement-breakpoint
ALTER TABLE "lab_memberships" ADD COLUMN "role" "lab_role";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "is_operator" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "users" SET "is_operator" = true WHERE "role"::text = 'operator';--> statement-breakpoint
UPDATE "lab_memberships" m SET "role" = (CASE WHEN u."role"::text = 'operator' THEN 'admin' ELSE u."role"::text END)::"lab_role" FROM "users" u WHERE u."id" = m."user_id";--> statement-breakpoint
ALTER TABLE "lab_memberships" ALTER COLUMN "role" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "role";--> statement-breakpoint
DROP TYPE "public"."user_role";
