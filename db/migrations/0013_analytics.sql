CREATE TABLE "analytics_week_figures" (
	"lab_id" uuid NOT NULL,
	"target_hours" integer NOT NULL,
	"week_start" date NOT NULL,
	"stage" smallint NOT NULL,
	"count" integer NOT NULL,
	"within_target" integer NOT NULL,
	"median_seconds" double precision,
	"p90_seconds" double precision,
	"p95_seconds" double precision,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_week_figures_lab_id_target_hours_week_start_stage_pk" PRIMARY KEY("lab_id","target_hours","week_start","stage")
);
--> statement-breakpoint
ALTER TABLE "analytics_week_figures" ADD CONSTRAINT "analytics_week_figures_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_read_marks_report_first_read_idx" ON "report_read_marks" USING btree ("report_id","first_read_at");