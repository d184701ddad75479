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
ALTER TABLE "labs" ADD COLUMN "share_links_physicians" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "share_links_patients" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_from_report_id_interpretation_reports_id_fk" FOREIGN KEY ("from_report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_diffs" ADD CONSTRAINT "report_diffs_to_report_id_interpretation_reports_id_fk" FOREIGN KEY ("to_report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_texts" ADD CONSTRAINT "report_texts_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_revoked_by_id_users_id_fk" FOREIGN KEY ("revoked_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_diffs_pair_key" ON "report_diffs" USING btree ("from_report_id","to_report_id");--> statement-breakpoint
CREATE INDEX "report_diffs_to_idx" ON "report_diffs" USING btree ("to_report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_token_hash_key" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_report_idx" ON "share_links" USING btree ("report_id");