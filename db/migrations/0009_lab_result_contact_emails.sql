ALTER TABLE "lab_results" ADD COLUMN "patient_email" text;--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "physician_email" text;