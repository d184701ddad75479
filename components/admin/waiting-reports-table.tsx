import type { ReactNode } from "react";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

export type WaitingReport = {
  id: string;
  receivedAt: Date;
  partnerLabId: string | null;
  referenceId: string | null;
  deliveredPatientId: string;
  fileName: string;
};

export type WaitingReportsTableProps = {
  caption: string;
  reports: WaitingReport[];
  /** The last column's heading and, per report, what a person does with it. */
  actionHeading: ReactNode;
  action: (report: WaitingReport) => ReactNode;
};

/** Reports that matched no lab or no lab result, each with what Docus sent to identify it. */
export function WaitingReportsTable({ caption, reports, actionHeading, action }: WaitingReportsTableProps) {
  return (
    <Table caption={caption}>
      <TableHead columns={["Received", "Partner lab id", "Reference id", "Patient id", "File", actionHeading]} />
      <TBody>
        {reports.map((r) => (
          <tr key={r.id}>
            <Td>{formatDateTime(r.receivedAt)}</Td>
            <Td className="font-mono">{r.partnerLabId ?? "—"}</Td>
            <Td className="font-mono">{r.referenceId ?? "—"}</Td>
            <Td className="font-mono">{r.deliveredPatientId}</Td>
            <Td>{r.fileName}</Td>
            <Td>{action(r)}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
