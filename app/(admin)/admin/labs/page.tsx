import type { Metadata } from "next";
import Link from "next/link";
import { ActiveBadge } from "@/components/admin/active-badge";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { LabForm } from "@/components/admin/lab-form";
import { Section } from "@/components/ui/section";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { administrationScope } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { createLabAction } from "./actions";

export const metadata: Metadata = { title: "Labs" };

export default async function LabsPage() {
  const actor = await requireRole(["admin", "operator"]);
  const labs = await listLabsForAdmin(await getDb(), administrationScope(actor, actor.currentLab?.id ?? null));
  return (
    <>
      <AdminPageHeader
        title="Labs"
        description={actor.role === "operator" ? "Every lab on the platform." : "The labs you administer."}
      />
      {actor.role === "operator" ? (
        <Section headingId="new-lab-heading" title="New lab" card className="mb-8">
          <LabForm
            values={{
              name: "",
              partnerLabId: "",
              turnaroundHours: 48,
              defaultUploadMode: "interpret",
              requireTwoFactor: false,
              wrongPatientGuard: true,
              shareLinksPhysicians: true,
              shareLinksPatients: false,
            }}
            submitLabel="Create lab"
            action={createLabAction}
          />
        </Section>
      ) : null}
      <Table caption="Labs">
        <TableHead columns={["Name", "Partner lab id", "Members", "Two-factor for all", "Status"]} actions />
        <TBody>
          {labs.map((lab) => (
            <tr key={lab.id}>
              <Td>{lab.name}</Td>
              <Td className="font-mono">{lab.partnerLabId ?? "—"}</Td>
              <Td>{lab.members}</Td>
              <Td>{lab.requireTwoFactor ? "Yes" : "No"}</Td>
              <Td>
                <ActiveBadge active={lab.active} />
              </Td>
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
        </TBody>
      </Table>
    </>
  );
}
