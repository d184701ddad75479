import type { Metadata } from "next";
import { NoLab } from "@/components/shell/no-lab";
import { LabResultStatusBadge } from "@/components/lab-results/status-badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabResultsForLab } from "@/db/queries/lab-results";
import { requireUser } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Lab results" };

export default async function LabResultsPage() {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const rows = await listLabResultsForLab(await getDb(), { labId: user.currentLab.id });
  return (
    <>
      <PageHeader title="Lab results" description={`Every lab result submitted by ${user.currentLab.name}, newest first.`} />
      {rows.length === 0 ? (
        <EmptyState title="No lab results yet">
          Each uploaded PDF appears here with its patient, accession number, mode (interpret or store only), its status at Docus
          and any error, updated as it changes.
        </EmptyState>
      ) : (
        <Table caption="Lab results">
          <thead>
            <tr>
              <Th>Submitted</Th>
              <Th>Patient</Th>
              <Th>Accession</Th>
              <Th>Mode</Th>
              <Th>Status</Th>
              <Th>Attempts</Th>
              <Th>Last error</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <Td>{formatDateTime(row.createdAt)}</Td>
                <Td>
                  {row.patientFamilyName}, {row.patientGivenName} <span className="text-slate-500">({row.patientExternalId})</span>
                </Td>
                <Td className="font-mono">{row.accessionNumber}</Td>
                <Td>{row.mode === "interpret" ? "Interpret" : "Store only"}</Td>
                <Td>
                  <LabResultStatusBadge status={row.status} />
                </Td>
                <Td>{row.attempts}</Td>
                <Td className="text-red-700">{row.lastError ?? ""}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
