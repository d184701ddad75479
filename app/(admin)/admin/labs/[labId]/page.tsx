import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { LabActiveToggle } from "@/components/admin/lab-active-toggle";
import { LabForm } from "@/components/admin/lab-form";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getLabById } from "@/db/queries/lab-admin";
import { administers } from "@/lib/admin/rules";
import { requireRole } from "@/lib/auth";
import { setLabActiveAction, updateLabAction } from "../actions";

export const metadata: Metadata = { title: "Edit lab" };

export default async function LabPage({ params }: { params: Promise<{ labId: string }> }) {
  const actor = await requireRole(["admin", "operator"]);
  const { labId } = await params;
  if (!z.uuid().safeParse(labId).success || !administers(actor, labId)) notFound();
  const lab = await getLabById(await getDb(), labId);
  if (!lab) notFound();
  return (
    <>
      <PageHeader
        title={lab.name}
        description={lab.active ? "Active: takes uploads." : "Inactive: no new uploads; its data stays readable."}
        actions={
          <Link href="/admin/labs" className="text-sm font-medium text-brand-700 underline">
            Back to labs
          </Link>
        }
      />
      <div className="space-y-8">
        <section
          aria-labelledby="settings-heading"
          className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        >
          <h2 id="settings-heading" className="mb-3 text-lg font-semibold">
            Settings
          </h2>
          <LabForm
            labId={lab.id}
            values={{
              name: lab.name,
              partnerLabId: lab.partnerLabId ?? "",
              turnaroundHours: lab.turnaroundHours,
              defaultUploadMode: lab.defaultUploadMode,
              requireTwoFactor: lab.requireTwoFactor,
              wrongPatientGuard: lab.wrongPatientGuard,
            }}
            submitLabel="Save settings"
            action={updateLabAction}
          />
        </section>
        <section aria-labelledby="status-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="status-heading" className="mb-3 text-lg font-semibold">
            Status
          </h2>
          <LabActiveToggle labId={lab.id} labName={lab.name} active={lab.active} action={setLabActiveAction} />
        </section>
      </div>
    </>
  );
}
