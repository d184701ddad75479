import { Badge } from "@/components/ui/badge";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import type { AuditTrailRow } from "@/lib/audit-trail";
import { formatDateTime } from "@/lib/format";

const actionLabels: Record<string, string> = {
  "report.view": "Viewed report",
  "report.download": "Downloaded report",
  "lab_result_document.view": "Viewed original PDF",
  "lab_result_document.download": "Downloaded original PDF",
  "lab_result.upload": "Uploaded",
  "lab_result.retry": "Retried",
  "lab_result.cancel": "Cancelled",
  "report.attach": "Attached report",
  "lab_result.fhir_export": "Exported lab result (FHIR)",
  "patient.fhir_export": "Exported history (FHIR)",
  "report.hl7_export": "Exported report (HL7)",
};

/** Who accessed what and when; shown to admins on patients and reports. */
export function AuditTrail({ title, rows }: { title: string; rows: AuditTrailRow[] }) {
  return (
    <section aria-label={title} className="mt-6">
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">No access recorded yet.</p>
      ) : (
        <Table caption={title}>
          <TableHead columns={["When", "Who", "What", "Outcome", "From"]} />
          <TBody>
            {rows.map((r) => (
              <tr key={r.id}>
                <Td>{formatDateTime(r.at)}</Td>
                <Td>{r.userName ? `${r.userName} (${r.userEmail})` : "Unknown user"}</Td>
                <Td>{actionLabels[r.action] ?? r.action}</Td>
                <Td>
                  {r.outcome === "allowed" ? (
                    <Badge tone="success">allowed</Badge>
                  ) : (
                    <Badge tone="danger">{r.outcome}</Badge>
                  )}
                </Td>
                <Td className="font-mono text-xs">{r.ip ?? ""}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </section>
  );
}
