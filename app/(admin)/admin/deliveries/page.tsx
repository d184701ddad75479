import type { Metadata } from "next";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { AttachReportForm } from "@/components/admin/attach-report-form";
import { RouteReportForm } from "@/components/admin/route-report-form";
import { WaitingReportsTable } from "@/components/admin/waiting-reports-table";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Section } from "@/components/ui/section";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabResultsForLab } from "@/db/queries/lab-results";
import { listAllLabs } from "@/db/queries/labs";
import { type DeliveryLogRow, listDeliveriesForAdmin, listUnmatchedReportsForAdmin } from "@/db/queries/deliveries";
import { listDeliveriesWithoutLab, listLablessReportsForOperator } from "@/db/queries/system/operator-triage";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
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
      <AdminPageHeader
        title="Report triage"
        description="Reports whose partner lab id names no lab of the portal, and delivery attempts tied to no lab. Hand each report to its lab; the lab's administrators attach it to a lab result."
        back={false}
      />
      <Section
        headingId="unmatched-heading"
        title={`Reports of an unknown lab (${lablessReports.length})`}
        className="mb-8"
      >
        {lablessReports.length === 0 ? (
          <EmptyState title="No reports waiting for a lab">
            A report whose partner lab id is unknown is kept here until you hand it to a lab.
          </EmptyState>
        ) : (
          <WaitingReportsTable
            caption="Reports of an unknown lab"
            reports={lablessReports}
            actionHeading="Hand to lab"
            action={(r) => <RouteReportForm reportId={r.id} labs={labOptions} action={routeReportAction} />}
          />
        )}
      </Section>
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
      <AdminPageHeader
        title="Report deliveries"
        description="Every delivery attempt from Docus, accepted or refused, and the reports that matched no lab result."
      />
      <Section headingId="unmatched-heading" title={`Unmatched reports (${unmatched.length})`} className="mb-8">
        {unmatched.length === 0 ? (
          <EmptyState title="No unmatched reports">
            A report of your lab whose accession and patient id match no lab result is kept here until you attach it. It
            is never dropped.
          </EmptyState>
        ) : (
          <WaitingReportsTable
            caption="Unmatched reports"
            reports={unmatched}
            actionHeading={`Attach to a lab result of ${admin.currentLab?.name ?? "your lab"}`}
            action={(r) => <AttachReportForm reportId={r.id} candidates={options} action={attachReportAction} />}
          />
        )}
      </Section>
      <DeliveryLog log={log} />
    </>
  );
}

function DeliveryLog({ log }: { log: DeliveryLogRow[] }) {
  return (
    <Section headingId="log-heading" title="Delivery log">
      {log.length === 0 ? (
        <EmptyState title="No deliveries yet">
          Each attempt Docus makes to deliver a report is listed here, with its outcome.
        </EmptyState>
      ) : (
        <Table caption="Delivery attempts, newest first">
          <TableHead
            columns={["When", "Outcome", "HTTP", "Reason", "Partner lab id", "Reference id", "Idempotency key", "From"]}
          />
          <TBody>
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
          </TBody>
        </Table>
      )}
    </Section>
  );
}
