CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TYPE "public"."audit_outcome" AS ENUM('allowed', 'denied', 'failed');--> statement-breakpoint
CREATE TYPE "public"."delivery_outcome" AS ENUM('accepted', 'duplicate', 'refused', 'failed');--> statement-breakpoint
CREATE TYPE "public"."lab_result_mode" AS ENUM('interpret', 'store_only');--> statement-breakpoint
CREATE TYPE "public"."lab_result_status" AS ENUM('queued', 'sending', 'retrying', 'accepted', 'rejected', 'failed', 'cancelled', 'report_ready');--> statement-breakpoint
CREATE TYPE "public"."submission_outcome" AS ENUM('accepted', 'rejected', 'transient');--> statement-breakpoint
CREATE TYPE "public"."patient_sex" AS ENUM('female', 'male', 'other', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."report_match_state" AS ENUM('matched', 'unmatched');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'technician', 'doctor');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"lab_id" uuid,
	"patient_id" uuid,
	"document_id" uuid,
	"report_id" uuid,
	"lab_result_id" uuid,
	"action" text NOT NULL,
	"outcome" "audit_outcome" NOT NULL,
	"ip" text,
	"user_agent" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" "delivery_outcome" NOT NULL,
	"http_status" integer NOT NULL,
	"reason" text,
	"idempotency_key" text,
	"webhook_id" text,
	"lab_id" uuid,
	"partner_lab_id" text,
	"reference_id" text,
	"report_id" uuid,
	"remote_ip" text,
	"body_bytes" integer
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid,
	"bytes" "bytea" NOT NULL,
	"sha256" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"mime_type" text NOT NULL,
	"file_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid NOT NULL,
	"patient_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"accession_number" text NOT NULL,
	"mode" "lab_result_mode" NOT NULL,
	"notes" text,
	"status" "lab_result_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"docus_message" text,
	"submitted_by_id" uuid,
	"accepted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submission_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_result_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" "submission_outcome",
	"http_status" integer,
	"message" text
);
--> statement-breakpoint
CREATE TABLE "labs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"partner_lab_id" text,
	"turnaround_hours" integer DEFAULT 48 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid NOT NULL,
	"patient_id" text NOT NULL,
	"given_name" text NOT NULL,
	"family_name" text NOT NULL,
	"birth_date" date,
	"sex" "patient_sex" DEFAULT 'unknown' NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interpretation_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lab_id" uuid,
	"patient_id" uuid,
	"lab_result_id" uuid,
	"match_state" "report_match_state" NOT NULL,
	"reference_id" text,
	"delivered_patient_id" text NOT NULL,
	"partner_lab_id" text,
	"document_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"supersedes_id" uuid,
	"idempotency_key" text NOT NULL,
	"metadata" jsonb,
	"attached_by_id" uuid,
	"attached_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_read_marks" (
	"user_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"first_read_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_at" timestamp with time zone,
	CONSTRAINT "report_read_marks_user_id_report_id_pk" PRIMARY KEY("user_id","report_id")
);
--> statement-breakpoint
CREATE TABLE "auth_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"ip" text NOT NULL,
	"success" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_memberships" (
	"user_id" uuid NOT NULL,
	"lab_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lab_memberships_user_id_lab_id_pk" PRIMARY KEY("user_id","lab_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "user_role" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"session_version" integer DEFAULT 1 NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"last_sign_in_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_submitted_by_id_users_id_fk" FOREIGN KEY ("submitted_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_attempts" ADD CONSTRAINT "submission_attempts_lab_result_id_lab_results_id_fk" FOREIGN KEY ("lab_result_id") REFERENCES "public"."lab_results"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "patients" ADD CONSTRAINT "patients_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_patient_id_patients_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."patients"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_lab_result_id_lab_results_id_fk" FOREIGN KEY ("lab_result_id") REFERENCES "public"."lab_results"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_supersedes_id_interpretation_reports_id_fk" FOREIGN KEY ("supersedes_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD CONSTRAINT "interpretation_reports_attached_by_id_users_id_fk" FOREIGN KEY ("attached_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_read_marks" ADD CONSTRAINT "report_read_marks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_read_marks" ADD CONSTRAINT "report_read_marks_report_id_interpretation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."interpretation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_memberships" ADD CONSTRAINT "lab_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lab_memberships" ADD CONSTRAINT "lab_memberships_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_lab_at_idx" ON "audit_events" USING btree ("lab_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_patient_idx" ON "audit_events" USING btree ("patient_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_report_idx" ON "audit_events" USING btree ("report_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "deliveries_received_idx" ON "deliveries" USING btree ("received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "deliveries_lab_received_idx" ON "deliveries" USING btree ("lab_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "documents_lab_sha256_idx" ON "documents" USING btree ("lab_id","sha256");--> statement-breakpoint
CREATE INDEX "lab_results_lab_accession_idx" ON "lab_results" USING btree ("lab_id","accession_number");--> statement-breakpoint
CREATE INDEX "lab_results_lab_created_idx" ON "lab_results" USING btree ("lab_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "lab_results_lab_status_idx" ON "lab_results" USING btree ("lab_id","status");--> statement-breakpoint
CREATE INDEX "lab_results_patient_created_idx" ON "lab_results" USING btree ("patient_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submission_attempts_lab_result_idx" ON "submission_attempts" USING btree ("lab_result_id","attempt");--> statement-breakpoint
CREATE UNIQUE INDEX "labs_name_key" ON "labs" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "labs_partner_lab_id_key" ON "labs" USING btree ("partner_lab_id");--> statement-breakpoint
CREATE UNIQUE INDEX "patients_lab_patient_id_key" ON "patients" USING btree ("lab_id","patient_id");--> statement-breakpoint
CREATE INDEX "patients_lab_activity_idx" ON "patients" USING btree ("lab_id","last_activity_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "patients_lab_family_name_idx" ON "patients" USING btree ("lab_id",lower("family_name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "patients_lab_given_name_idx" ON "patients" USING btree ("lab_id",lower("given_name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "patients_name_trgm_idx" ON "patients" USING gin ((lower("given_name" || ' ' || "family_name")) gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "interpretation_reports_idempotency_key" ON "interpretation_reports" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "interpretation_reports_lab_result_idx" ON "interpretation_reports" USING btree ("lab_result_id","version" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interpretation_reports_patient_idx" ON "interpretation_reports" USING btree ("patient_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interpretation_reports_lab_received_idx" ON "interpretation_reports" USING btree ("lab_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interpretation_reports_match_idx" ON "interpretation_reports" USING btree ("match_state","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "auth_attempts_email_at_idx" ON "auth_attempts" USING btree ("email","at");--> statement-breakpoint
CREATE INDEX "auth_attempts_ip_at_idx" ON "auth_attempts" USING btree ("ip","at");--> statement-breakpoint
CREATE INDEX "lab_memberships_lab_idx" ON "lab_memberships" USING btree ("lab_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");