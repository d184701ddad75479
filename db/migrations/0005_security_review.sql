CREATE TABLE "sign_in_rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
DROP TABLE "auth_attempts" CASCADE;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_sessions_user_idx" ON "user_sessions" USING btree ("user_id");--> statement-breakpoint
-- Reports stored by concurrent deliveries may share a version number; renumber them in
-- delivery order before the unique index makes that impossible.
UPDATE "interpretation_reports" AS r SET "version" = n.v
FROM (
  SELECT "id", row_number() OVER (PARTITION BY "lab_result_id" ORDER BY "version", "received_at", "id")::integer AS v
  FROM "interpretation_reports" WHERE "lab_result_id" IS NOT NULL
) AS n
WHERE r."id" = n."id" AND r."version" <> n.v;--> statement-breakpoint
CREATE UNIQUE INDEX "interpretation_reports_lab_result_version_key" ON "interpretation_reports" USING btree ("lab_result_id","version");