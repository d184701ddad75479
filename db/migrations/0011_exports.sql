CREATE TYPE "public"."hl7_feed_status" AS ENUM('queued', 'sending', 'sent', 'rejected', 'failed');--> statement-breakpoint
CREATE TABLE "hl7_feed_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"control_id" text NOT NULL,
	"status" "hl7_feed_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"ack_code" text,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "hl7_sending_application" text;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "hl7_sending_facility" text;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "hl7_feed_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "hl7_feed_host" text;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "hl7_feed_port" integer;--> statement-breakpoint
ALTER TABLE "hl7_feed_messages" ADD CONSTRAINT "hl7_feed_messages_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hl7_feed_messages" ADD CONSTRAINT "hl7_feed_messages_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "hl7_feed_messages_report_key" ON "hl7_feed_messages" USING btree ("report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "hl7_feed_messages_control_id_key" ON "hl7_feed_messages" USING btree ("control_id");--> statement-breakpoint
CREATE INDEX "hl7_feed_messages_lab_created_idx" ON "hl7_feed_messages" USING btree ("lab_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hl7_feed_messages_status_idx" ON "hl7_feed_messages" USING btree ("status","next_attempt_at");