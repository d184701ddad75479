import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { LabActiveToggle } from "@/components/admin/lab-active-toggle";
import { LabForm } from "@/components/admin/lab-form";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { Section } from "@/components/ui/section";
import { getDb } from "@/db";
import { getLabById } from "@/db/queries/lab-admin";
import { administers, isOperator } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { setLabActiveAction, updateLabAction } from "../actions";
import { updateInboxSettingsAction } from "../inbox-actions";
import { InboxSettingsForm } from "@/components/admin/inbox-settings-form";

export const metadata: Metadata = { title: "Edit lab" };

export default async function LabPage({ params }: { params: Promise<{ labId: string }> }) {
  const actor = await requireRole(["admin", "operator"]);
  const { labId } = await params;
  if (!z.uuid().safeParse(labId).success || !administers(actor, labId)) notFound();
  const lab = await getLabById(await getDb(), labId);
  if (!lab) notFound();
  return (
    <>
      <AdminPageHeader
        title={lab.name}
        description={lab.active ? "Active: takes uploads." : "Inactive: no new uploads; its data stays readable."}
        back={{ href: "/admin/labs", label: "Back to labs" }}
      />
      <div className="space-y-8">
        <Section headingId="settings-heading" title="Settings" card>
          <LabForm
            labId={lab.id}
            values={{
              name: lab.name,
              partnerLabId: lab.partnerLabId ?? "",
              turnaroundHours: lab.turnaroundHours,
              defaultUploadMode: lab.defaultUploadMode,
              requireTwoFactor: lab.requireTwoFactor,
              wrongPatientGuard: lab.wrongPatientGuard,
              shareLinksPhysicians: lab.shareLinksPhysicians,
              shareLinksPatients: lab.shareLinksPatients,
            }}
            submitLabel="Save settings"
            partnerLabIdReadOnly={!isOperator(actor)}
            action={updateLabAction}
          />
        </Section>
        <Section headingId="inbox-settings-heading" title="Results inbox" card>
          <p className="mb-3 text-sm text-slate-700">
            A critical report not signed off within the window is shown to the lab&apos;s admins and every doctor of the
            lab. Reports waiting for sign-off are shown amber, then red, after these many days.
          </p>
          <InboxSettingsForm
            labId={lab.id}
            criticalSignOffMinutes={lab.criticalSignOffMinutes}
            amberDays={lab.inboxAmberDays}
            redDays={lab.inboxRedDays}
            action={updateInboxSettingsAction}
          />
        </Section>
        <Section headingId="exports-heading" title="Exports to EHRs" card>
          <p className="text-sm text-slate-700">
            HL7 sending application and facility, and the outbound MLLP feed of new reports.{" "}
            <Link href={`/admin/labs/${lab.id}/hl7`} className="font-medium text-brand-700 underline">
              HL7 exports and feed
            </Link>
          </p>
        </Section>
        <Section headingId="status-heading" title="Status" card>
          <LabActiveToggle labId={lab.id} labName={lab.name} active={lab.active} action={setLabActiveAction} />
        </Section>
      </div>
    </>
  );
}
