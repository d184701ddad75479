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

const who = (r: AuditTrailRow) => (r.userName ? `${r.userName} (${r.userEmail})` : "Unknown user");

function Outcome({ outcome }: { outcome: AuditTrailRow["outcome"] }) {
  return outcome === "allowed" ? <Badge tone="success">allowed</Badge> : <Badge tone="danger">{outcome}</Badge>;
}

/** Who accessed what and when; shown to admins on patients and reports. */
export function AuditTrail({ title, rows }: { title: string; rows: AuditTrailRow[] }) {
  return (
    <section aria-label={title} className="mt-6">
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">No access recorded yet.</p>
      ) : (
        <>
          {/* A phone gets the entries as a list (five columns do not fit 390 px); wider
              screens the table. The other is display:none, out of the accessibility tree too. */}
          <ol
            aria-label={title}
            className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white sm:hidden"
          >
            {rows.map((r) => (
              <li key={r.id} className="space-y-1 px-4 py-3 text-sm text-slate-800">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{actionLabels[r.action] ?? r.action}</span>
                  <Outcome outcome={r.outcome} />
                </p>
                <p className="break-words">{who(r)}</p>
                <p className="text-slate-600">
                  {formatDateTime(r.at)}
                  {r.ip ? <span className="font-mono text-xs"> · from {r.ip}</span> : null}
                </p>
              </li>
            ))}
          </ol>
          <div className="hidden sm:block">
            <Table caption={title}>
              <TableHead columns={["When", "Who", "What", "Outcome", "From"]} />
              <TBody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <Td>{formatDateTime(r.at)}</Td>
                    <Td>{who(r)}</Td>
                    <Td>{actionLabels[r.action] ?? r.action}</Td>
                    <Td>
                      <Outcome outcome={r.outcome} />
                    </Td>
                    <Td className="font-mono text-xs">{r.ip ?? ""}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          </div>
        </>
      )}
    </section>
  );
}
