import { index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { labs } from "./labs";
import { interpretationReports } from "./reports";

export const deliveryOutcomes = ["accepted", "duplicate", "refused", "failed"] as const;
export const deliveryOutcome = pgEnum("delivery_outcome", deliveryOutcomes);

/** Every inbound delivery attempt, accepted or refused. Never holds the PDF or a secret. */
export const deliveries = pgTable(
  "deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    outcome: deliveryOutcome("outcome").notNull(),
    httpStatus: integer("http_status").notNull(),
    reason: text("reason"),
    idempotencyKey: text("idempotency_key"),
    webhookId: text("webhook_id"),
    labId: uuid("lab_id").references(() => labs.id, { onDelete: "set null" }),
    partnerLabId: text("partner_lab_id"),
    referenceId: text("reference_id"),
    reportId: uuid("report_id").references(() => interpretationReports.id, { onDelete: "set null" }),
    remoteIp: text("remote_ip"),
    bodyBytes: integer("body_bytes"),
  },
  (t) => [
    index("deliveries_received_idx").on(t.receivedAt.desc()),
    index("deliveries_lab_received_idx").on(t.labId, t.receivedAt.desc()),
  ],
);

export type Delivery = typeof deliveries.$inferSelect;
export type NewDelivery = typeof deliveries.$inferInsert;
