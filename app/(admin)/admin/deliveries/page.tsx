import type { Metadata } from "next";
import Link from "next/link";
import { AttachReportForm } from "@/components/admin/attach-report-form";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabResultsForLab } from "@/db/queries/lab-results";
import { listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "@/db/queries/reports";
import { requireRole } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";
import { attachReportAction } from "./actions";

export const metadata: Metadata = { title: "Deliveries" };

const outcomeTone = { accepted: "success", duplicate: "info", refused: "danger", failed: "warning" } as const;

export default async function DeliveriesPage() {
  const admin = await requireRole("admin");
  const db = await getDb();
  const [unmatched, log, candidates] = await Promise.all([
    listUnmatchedReportsForAdmin(db, admin.labIds),
    listDeliveriesForAdmin(db, admin.labIds),
    admin.currentLab ? listLabResultsForLab(db, { labId: admin.currentLab.id }, { limit: 100 }) : Promise.resolve([]),
  ]);
  const options = candidates.map((c) => ({
    id: c.id,
    label: `${c.accessionNumber} · ${c.patientFamilyName}, ${c.patientGivenName} (${c.patientExternalId})`,
  }));
  return (
    <>
      <PageHeader
        title="Report deliveries"
        description="Every delivery attempt from Docus, accepted or refused, and the reports that matched no lab result."
        actions={
          <Link href="/admin" className="text-sm text-brand-700 underline">
            Back to administration
          </Link>
        }
      />
      <section aria-labelledby="unmatched-heading" className="mb-8">
        <h2 id="unmatched-heading" className="mb-3 text-lg font-semibold">
          Unmatched reports ({unmatched.length})
        </h2>
        {unmatched.length === 0 ? (
          <EmptyState title="No unmatched reports">
            A report whose accession and patient id match no lab result, or whose partner lab id is unknown, is kept here until you
            attach it. It is never dropped.
          </EmptyState>
        ) : (
          <Table caption="Unmatched reports">
            <thead>
              <tr>
                <Th>Received</Th>
                <Th>Partner lab id</Th>
                <Th>Reference id</Th>
                <Th>Patient id</Th>
                <Th>File</Th>
                <Th>Attach to a lab result of {admin.currentLab?.name ?? "your lab"}</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {unmatched.map((r) => (
                <tr key={r.id}>
                  <Td>{formatDateTime(r.receivedAt)}</Td>
                  <Td className="font-mono">{r.partnerLabId ?? "—"}</Td>
                  <Td className="font-mono">{r.referenceId ?? "—"}</Td>
                  <Td className="font-mono">{r.deliveredPatientId}</Td>
                  <Td>{r.fileName}</Td>
                  <Td>
                    <AttachReportForm reportId={r.id} candidates={options} action={attachReportAction} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
      <section aria-labelledby="log-heading">
        <h2 id="log-heading" className="mb-3 text-lg font-semibold">
          Delivery log
        </h2>
        {log.length === 0 ? (
          <EmptyState title="No deliveries yet">Each attempt Docus makes to deliver a report is listed here, with its outcome.</EmptyState>
        ) : (
          <Table caption="Delivery attempts, newest first">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Outcome</Th>
                <Th>HTTP</Th>
                <Th>Reason</Th>
                <Th>Partner lab id</Th>
                <Th>Reference id</Th>
                <Th>Idempotency key</Th>
                <Th>From</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {log.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <Td>{formatDateTime(d.receivedAt)}</Td>
                  <Td>
                    <Badge tone={outcomeTone[d.outcome]}>{d.outcome}</Badge>
                  </Td>
                  <Td>{d.httpStatus}</Td>
                  <Td>{d.reason ?? ""}</Td>
                  <Td className="font-mono">{d.partnerLabId ?? "—"}</Td>
                  <Td className="font-mono">{d.referenceId ?? "—"}</Td>
                  <Td className="max-w-40 truncate font-mono text-xs" title={d.idempotencyKey ?? ""}>
                    {d.idempotencyKey ?? "—"}
                  </Td>
                  <Td className="font-mono text-xs">{d.remoteIp ?? ""}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </>
  );
}
