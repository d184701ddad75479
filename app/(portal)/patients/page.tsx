import type { Metadata } from "next";
import { NoLab } from "@/components/shell/no-lab";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listPatientsForLab } from "@/db/queries/patients";
import { requireUser } from "@/lib/auth";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Patients" };

export default async function PatientsPage() {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const { rows, total } = await listPatientsForLab(await getDb(), { labId: user.currentLab.id });
  return (
    <>
      <PageHeader title="Patients" description={`Patients of ${user.currentLab.name}, most recent activity first.`} />
      {total === 0 ? (
        <EmptyState title="No patients yet">
          Patients appear here once a technician uploads their first lab result. You will be able to search by name, patient id
          or accession number and open each patient&apos;s history of results and interpretation reports.
        </EmptyState>
      ) : (
        <Table caption={`Patients (${total})`}>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Patient id</Th>
              <Th>Birth date</Th>
              <Th>Last activity</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((p) => (
              <tr key={p.id}>
                <Td>
                  {p.familyName}, {p.givenName}
                </Td>
                <Td className="font-mono">{p.patientId}</Td>
                <Td>{p.birthDate ? formatDate(p.birthDate) : "—"}</Td>
                <Td>{formatDate(p.lastActivityAt)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
