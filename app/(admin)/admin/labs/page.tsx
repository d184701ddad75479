import type { Metadata } from "next";
import Link from "next/link";
import { LabForm } from "@/components/admin/lab-form";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/auth";
import { createLabAction } from "./actions";

export const metadata: Metadata = { title: "Labs" };

export default async function LabsPage() {
  const actor = await requireRole(["admin", "operator"]);
  const labs = await listLabsForAdmin(await getDb(), scopeOf(actor));
  return (
    <>
      <PageHeader
        title="Labs"
        description={actor.role === "operator" ? "Every lab on the platform." : "The labs you administer."}
        actions={
          <Link href="/admin" className="text-sm font-medium text-brand-700 underline">
            Back to administration
          </Link>
        }
      />
      {actor.role === "operator" ? (
        <section
          aria-labelledby="new-lab-heading"
          className="mb-8 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        >
          <h2 id="new-lab-heading" className="mb-3 text-lg font-semibold">
            New lab
          </h2>
          <LabForm
            values={{
              name: "",
              partnerLabId: "",
              turnaroundHours: 48,
              defaultUploadMode: "interpret",
              requireTwoFactor: false,
              wrongPatientGuard: true,
            }}
            submitLabel="Create lab"
            action={createLabAction}
          />
        </section>
      ) : null}
      <Table caption="Labs">
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Partner lab id</Th>
            <Th>Members</Th>
            <Th>Two-factor for all</Th>
            <Th>Status</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {labs.map((lab) => (
            <tr key={lab.id}>
              <Td>{lab.name}</Td>
              <Td className="font-mono">{lab.partnerLabId ?? "—"}</Td>
              <Td>{lab.members}</Td>
              <Td>{lab.requireTwoFactor ? "Yes" : "No"}</Td>
              <Td>{lab.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}</Td>
              <Td>
                <Link
                  href={`/admin/labs/${lab.id}`}
                  aria-label={`Edit ${lab.name}`}
                  className="text-brand-700 underline"
                >
                  Edit
                </Link>
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
