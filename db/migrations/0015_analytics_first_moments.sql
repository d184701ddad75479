-- Turnaround analytics read two moments from the rows they end rather than by joining and
-- searching the history on every view: a lab result's first send (the start of attempt 1)
-- and a report's first opening (its earliest read mark by anyone). The database keeps them
-- equal to the history (the earliest attempt 1, the earliest mark; null without one) with
-- triggers on the history tables (insert and delete per statement, an update of the columns
-- that matter per row), so that every writer (the send worker, the report viewer, a user's
-- removal, the benchmarks' seeds) keeps them right.
DROP INDEX "lab_results_lab_status_idx";--> statement-breakpoint
DROP INDEX "submission_attempts_first_started_idx";--> statement-breakpoint
DROP INDEX "report_read_marks_first_read_idx";--> statement-breakpoint
ALTER TABLE "lab_results" ADD COLUMN "first_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "interpretation_reports" ADD COLUMN "first_opened_at" timestamp with time zone;--> statement-breakpoint
UPDATE "lab_results" lr SET "first_sent_at" = sa.first
  FROM (SELECT "lab_result_id", min("started_at") AS first FROM "submission_attempts" WHERE "attempt" = 1 GROUP BY "lab_result_id") sa
  WHERE sa."lab_result_id" = lr."id";--> statement-breakpoint
UPDATE "interpretation_reports" ir SET "first_opened_at" = m.first
  FROM (SELECT "report_id", min("first_read_at") AS first FROM "report_read_marks" GROUP BY "report_id") m
  WHERE m."report_id" = ir."id";--> statement-breakpoint
CREATE FUNCTION "analytics_refresh_first_sent"(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "lab_results" lr SET "first_sent_at" = f.first
    FROM (SELECT i.id, (SELECT min(sa."started_at") FROM "submission_attempts" sa
                        WHERE sa."lab_result_id" = i.id AND sa."attempt" = 1) AS first
          FROM unnest(ids) AS i(id)) f
    WHERE lr."id" = f.id AND lr."first_sent_at" IS DISTINCT FROM f.first
$$;--> statement-breakpoint
CREATE FUNCTION "submission_attempts_first_sent"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    PERFORM "analytics_refresh_first_sent"(ARRAY[OLD."lab_result_id", NEW."lab_result_id"]);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "analytics_refresh_first_sent"(ARRAY(SELECT DISTINCT "lab_result_id" FROM new_rows WHERE "attempt" = 1));
  ELSE
    PERFORM "analytics_refresh_first_sent"(ARRAY(SELECT DISTINCT "lab_result_id" FROM old_rows WHERE "attempt" = 1));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "submission_attempts_first_sent_insert" AFTER INSERT ON "submission_attempts"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "submission_attempts_first_sent"();--> statement-breakpoint
CREATE TRIGGER "submission_attempts_first_sent_delete" AFTER DELETE ON "submission_attempts"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "submission_attempts_first_sent"();--> statement-breakpoint
CREATE TRIGGER "submission_attempts_first_sent_update" AFTER UPDATE OF "lab_result_id", "attempt", "started_at" ON "submission_attempts"
  FOR EACH ROW WHEN (OLD."lab_result_id" IS DISTINCT FROM NEW."lab_result_id" OR OLD."attempt" IS DISTINCT FROM NEW."attempt"
                     OR OLD."started_at" IS DISTINCT FROM NEW."started_at")
  EXECUTE FUNCTION "submission_attempts_first_sent"();--> statement-breakpoint
CREATE FUNCTION "analytics_refresh_first_opened"(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE "interpretation_reports" ir SET "first_opened_at" = f.first
    FROM (SELECT i.id, (SELECT min(m."first_read_at") FROM "report_read_marks" m WHERE m."report_id" = i.id) AS first
          FROM unnest(ids) AS i(id)) f
    WHERE ir."id" = f.id AND ir."first_opened_at" IS DISTINCT FROM f.first
$$;--> statement-breakpoint
CREATE FUNCTION "report_read_marks_first_opened"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    PERFORM "analytics_refresh_first_opened"(ARRAY[OLD."report_id", NEW."report_id"]);
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM "analytics_refresh_first_opened"(ARRAY(SELECT DISTINCT "report_id" FROM new_rows));
  ELSE
    PERFORM "analytics_refresh_first_opened"(ARRAY(SELECT DISTINCT "report_id" FROM old_rows));
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "report_read_marks_first_opened_insert" AFTER INSERT ON "report_read_marks"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_read_marks_first_opened"();--> statement-breakpoint
CREATE TRIGGER "report_read_marks_first_opened_delete" AFTER DELETE ON "report_read_marks"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_read_marks_first_opened"();--> statement-breakpoint
CREATE TRIGGER "report_read_marks_first_opened_update" AFTER UPDATE OF "report_id", "first_read_at" ON "report_read_marks"
  FOR EACH ROW WHEN (OLD."report_id" IS DISTINCT FROM NEW."report_id" OR OLD."first_read_at" IS DISTINCT FROM NEW."first_read_at")
  EXECUTE FUNCTION "report_read_marks_first_opened"();--> statement-breakpoint
CREATE INDEX "lab_results_lab_first_sent_idx" ON "lab_results" USING btree ("lab_id","first_sent_at") WHERE "lab_results"."first_sent_at" is not null;--> statement-breakpoint
CREATE INDEX "interpretation_reports_lab_first_opened_idx" ON "interpretation_reports" USING btree ("lab_id","first_opened_at") WHERE "interpretation_reports"."first_opened_at" is not null;--> statement-breakpoint
CREATE INDEX "interpretation_reports_lab_unopened_idx" ON "interpretation_reports" USING btree ("lab_id") WHERE "interpretation_reports"."first_opened_at" is null;--> statement-breakpoint
CREATE INDEX "lab_results_lab_status_mode_idx" ON "lab_results" USING btree ("lab_id","status","mode");
