CREATE TYPE "public"."lab_result_guard_outcome" AS ENUM('matched', 'needs_confirmation', 'not_checked', 'off');--> statement-breakpoint
CREATE TYPE "public"."report_text_check" AS ENUM('ok', 'other_patient', 'not_checked');--> statement-breakpoint
ALTER TYPE "public"."lab_result_status" ADD VALUE 'needs_confirmation' BEFORE 'queued';--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "guard_outcome" "lab_result_guard_outcome";--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "guard_reason" text;--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "guard_confirmed_by_id" uuid;--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "guard_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "labs" ADD COLUMN "wrong_patient_guard" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD COLUMN "text_check" "report_text_check";--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD COLUMN "text_check_other_patient_id" text;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD COLUMN "text_check_reason" text;--> statement-breakpoint
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_guard_confirmed_by_id_users_id_fk" FOREIGN KEY ("guard_confirmed_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "patients_lab_patient_id_norm_idx" ON "patients" USING btree ("lab_id",lower(replace("patient_id", '-', '')));