import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { FeedMessagesTable } from "@/components/exports/feed-messages-table";
import { Hl7SettingsForm } from "@/components/exports/hl7-settings-form";
import { Section } from "@/components/ui/section";
import { getDb } from "@/db";
import { getLabById } from "@/db/queries/lab-admin";
import { listFeedMessages } from "@/db/queries/hl7-feed";
import { scopeOf } from "@/db/queries/scope";
import { administers } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { resendFeedMessageAction, updateHl7SettingsAction } from "./actions";

export const metadata: Metadata = { title: "HL7 exports" };
export const dynamic = "force-dynamic";

/** A lab's HL7 settings and the status of its outbound feed. */
export default async function LabHl7Page({ params }: { params: Promise<{ labId: string }> }) {
  const actor = await requireRole(["admin", "operator"]);
  const { labId } = await params;
  if (!z.uuid().safeParse(labId).success || !administers(actor, labId)) notFound();
  const db = await getDb();
  const lab = await getLabById(db, labId);
  if (!lab) notFound();
  const messages = await listFeedMessages(db, scopeOf(actor), labId);
  return (
    <>
      <AdminPageHeader
        title={`HL7 exports: ${lab.name}`}
        description="Interpretation reports go to EHRs as HL7 v2.5.1 ORU^R01 messages with the PDF: downloaded from a report, or sent over MLLP to an interface engine."
        back={{ href: `/admin/labs/${lab.id}`, label: "Back to the lab" }}
      />
      <div className="space-y-8">
        <Section headingId="hl7-settings-heading" title="Settings" card>
          <Hl7SettingsForm
            labId={lab.id}
            labName={lab.name}
            values={{
              hl7SendingApplication: lab.hl7SendingApplication ?? "",
              hl7SendingFacility: lab.hl7SendingFacility ?? "",
              hl7FeedEnabled: lab.hl7FeedEnabled,
              hl7FeedHost: lab.hl7FeedHost ?? "",
              hl7FeedPort: lab.hl7FeedPort === null ? "" : String(lab.hl7FeedPort),
            }}
            action={updateHl7SettingsAction}
          />
        </Section>
        <Section headingId="hl7-feed-heading" title="Outbound feed">
          <FeedMessagesTable labId={lab.id} messages={messages} resendAction={resendFeedMessageAction} />
        </Section>
      </div>
    </>
  );
}
