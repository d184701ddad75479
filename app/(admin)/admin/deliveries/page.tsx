import type { Metadata } from "next";
import Link from "next/link";
import { AttachReportForm } from "@/components/admin/attach-report-form";
import { RouteReportForm } from "@/components/admin/route-report-form";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabResultsForLab } from "@/db/queries/lab-results";
import { listAllLabs } from "@/db/queries/labs";
import { type DeliveryLogRow, listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "@/db/queries/deliveries";
import { listDeliveriesWithoutLab, listLablessReportsForOperator } from "@/db/queries/system/operator-triage";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";
import { attachReportAction, routeReportAction } from "./actions";

export const metadata: Metadata = { title: "Deliveries" };

const outcomeTone = { accepted: "success", duplicate: "info", refused: "danger", failed: "warning" } as const;

/** The platform operator's view: reports of unknown partner labs, handed to a lab from here. */
async function OperatorDeliveries() {
  const db = await getDb();
  const [lablessReports, log, allLabs] = await Promise.all([
    listLablessReportsForOperator(db),
    listDeliveriesWithoutLab(db),
    listAllLabs(db),
  ]);
  const labOptions = allLabs.map((lab) => ({
    id: lab.id,
    label: lab.partnerLabId ? `${lab.name} (${lab.partnerLabId})` : lab.name,
  }));
  return (
    <>
      <PageHeader
        title="Report triage"
        description="Reports whose partner lab id names no lab of the portal, and delivery attempts tied to no lab. Hand each report to its lab; the lab's administrators attach it to a lab result."
      />
      <section aria-labelledby="unmatched-heading" className="mb-8">
        <h2 id="unmatched-heading" className="mb-3 text-lg font-semibold">
          Reports of an unknown lab ({lablessReports.length})
        </h2>
        {lablessReports.length === 0 ? (
          <EmptyState title="No reports waiting for a lab">
            A report whose partner lab id is unknown is kept here until you hand it to a lab.
          </EmptyState>
        ) : (
          <Table caption="Reports of an unknown lab">
            <thead>
              <tr>
                <Th>Received</Th>
                <Th>Partner lab id</Th>
                <Th>Reference id</Th>
                <Th>Patient id</Th>
                <Th>File</Th>
                <Th>Hand to lab</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {lablessReports.map((r) => (
                <tr key={r.id}>
                  <Td>{formatDateTime(r.receivedAt)}</Td>
                  <Td className="font-mono">{r.partnerLabId ?? "—"}</Td>
                  <Td className="font-mono">{r.referenceId ?? "—"}</Td>
                  <Td className="font-mono">{r.deliveredPatientId}</Td>
                  <Td>{r.fileName}</Td>
                  <Td>
                    <RouteReportForm reportId={r.id} labs={labOptions} action={routeReportAction} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
      <DeliveryLog log={log} />
    </>
  );
}

export default async function DeliveriesPage() {
  const admin = await requireRole(["admin", "operator"]);
  if (admin.role === "operator") return <OperatorDeliveries />;
  const db = await getDb();
  const scope = scopeOf(admin);
  const [unmatched, log, candidates] = await Promise.all([
    listUnmatchedReportsForAdmin(db, scope),
    listDeliveriesForAdmin(db, scope),
    listLabResultsForLab(db, scope, { limit: 100 }),
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
            A report of your lab whose accession and patient id match no lab result is kept here until you attach it. It
            is never dropped.
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
      <DeliveryLog log={log} />
    </>
  );
}

function DeliveryLog({ log }: { log: DeliveryLogRow[] }) {
  return (
    <section aria-labelledby="log-heading">
      <h2 id="log-heading" className="mb-3 text-lg font-semibold">
        Delivery log
      </h2>
      {log.length === 0 ? (
        <EmptyState title="No deliveries yet">
          Each attempt Docus makes to deliver a report is listed here, with its outcome.
        </EmptyState>
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
  );
}
