CREATE TYPE "public"."lab_result_flag" AS ENUM('normal', 'abnormal', 'critical');--> statement-breakpoint
CREATE TABLE "report_diffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid,
	"from_report_id" uuid NOT NULL,
	"to_report_id" uuid NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"changed" boolean,
	"words_added" integer,
	"words_removed" integer,
	"parts" jsonb,
	"partial" boolean DEFAULT false NOT NULL,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"computed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_texts" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"extracted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"pin_hash" text NOT NULL,
	"audience" text NOT NULL,
	"recipient" text,
	"single_use" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"failed_pins" integer DEFAULT 0 NOT NULL,
	"locked_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_inbox_copies" (
	"lab_result_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"lab_id" uuid NOT NULL,
	"added_by_id" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_inbox_copies_lab_result_id_user_id_pk" PRIMARY KEY("lab_result_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "report_inbox_entries" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"lab_id" uuid NOT NULL,
	"lab_result_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"flag" "lab_result_flag",
	"received_at" timestamp with time zone NOT NULL,
	"owner_id" uuid,
	"assigned_at" timestamp with time zone,
	"awaiting_sign_off" boolean DEFAULT true NOT NULL,
	"follow_up_note" text,
	"follow_up_by_id" uuid,
	"follow_up_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_sign_offs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"lab_id" uuid NOT NULL,
	"signed_off_by" uuid,
	"signed_off_at" timestamp with time zone DEFAULT now() NOT NULL,
	"comment" text
);
--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "flag" "lab_result_flag";--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "share_links_physicians" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "share_links_patients" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "critical_sign_off_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "inbox_amber_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "inbox_red_days" integer DEFAULT 14 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_from_report_id_interpretation_reports_id_fk" FOREIGN KEY ("from_report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_to_report_id_interpretation_reports_id_fk" FOREIGN KEY ("to_report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_texts" ADD CONSTRAINT "report_texts_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_revoked_by_id_users_id_fk" FOREIGN KEY ("revoked_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_copies" ADD CONSTRAINT "report_inbox_copies_lab_result_id_lab_results_id_fk" FOREIGN KEY ("lab_result_id") REFERENCES "public"."lab_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_copies" ADD CONSTRAINT "report_inbox_copies_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_copies" ADD CONSTRAINT "report_inbox_copies_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_copies" ADD CONSTRAINT "report_inbox_copies_added_by_id_users_id_fk" FOREIGN KEY ("added_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_entries" ADD CONSTRAINT "report_inbox_entries_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_entries" ADD CONSTRAINT "report_inbox_entries_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_entries" ADD CONSTRAINT "report_inbox_entries_lab_result_id_lab_results_id_fk" FOREIGN KEY ("lab_result_id") REFERENCES "public"."lab_results"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_entries" ADD CONSTRAINT "report_inbox_entries_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_inbox_entries" ADD CONSTRAINT "report_inbox_entries_follow_up_by_id_users_id_fk" FOREIGN KEY ("follow_up_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_sign_offs" ADD CONSTRAINT "report_sign_offs_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_sign_offs" ADD CONSTRAINT "report_sign_offs_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_sign_offs" ADD CONSTRAINT "report_sign_offs_signed_off_by_users_id_fk" FOREIGN KEY ("signed_off_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_diffs_pair_key" ON "report_diffs" USING btree ("from_report_id","to_report_id");--> statement-breakpoint
CREATE INDEX "report_diffs_to_idx" ON "report_diffs" USING btree ("to_report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_token_hash_key" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_report_idx" ON "share_links" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_inbox_copies_user_idx" ON "report_inbox_copies" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "report_inbox_entries_queue_idx" ON "report_inbox_entries" USING btree ("lab_id",(case "flag" when 'critical' then 0 when 'abnormal' then 1 else 2 end),"received_at") WHERE "report_inbox_entries"."awaiting_sign_off";--> statement-breakpoint
CREATE INDEX "report_inbox_entries_owner_idx" ON "report_inbox_entries" USING btree ("owner_id","received_at") WHERE "report_inbox_entries"."awaiting_sign_off";--> statement-breakpoint
CREATE INDEX "report_inbox_entries_lab_result_idx" ON "report_inbox_entries" USING btree ("lab_result_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "report_sign_offs_report_key" ON "report_sign_offs" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_sign_offs_lab_at_idx" ON "report_sign_offs" USING btree ("lab_id","signed_off_at" DESC NULLS LAST);--> statement-breakpoint
-- Hand-written backfill: every matched report version gets its inbox entry (unassigned);
-- only the newest version of each lab result received in the last 30 days awaits sign-off,
-- so that an existing lab does not find its whole archive in the inbox.
INSERT INTO "report_inbox_entries" ("report_id", "lab_id", "lab_result_id", "version", "flag", "received_at", "awaiting_sign_off")
SELECT r."id", r."lab_id", r."lab_result_id", r."version", lr."flag", r."received_at",
  r."received_at" > now() - interval '30 days'
  AND NOT EXISTS (SELECT 1 FROM "interpretation_reports" n WHERE n."lab_result_id" = r."lab_result_id" AND n."version" > r."version")
FROM "interpretation_reports" r
JOIN "lab_results" lr ON lr."id" = r."lab_result_id"
WHERE r."match_state" = 'matched' AND r."lab_id" IS NOT NULL;
