import { InlineActionForm, type FormAction } from "@/components/admin/inline-action-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableHead, Td } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

export type FeedMessageView = {
  id: string;
  controlId: string;
  status: "queued" | "sending" | "sent" | "rejected" | "failed";
  attempts: number;
  ackCode: string | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  reportVersion: number;
  accessionNumber: string | null;
};

const statusLabels: Record<FeedMessageView["status"], string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  rejected: "Rejected",
  failed: "Failed",
};

const statusTones = {
  queued: "neutral",
  sending: "info",
  sent: "success",
  rejected: "danger",
  failed: "danger",
} as const;

/** The lab's outbound HL7 messages, newest first, with their ACKs; a rejected or failed one can be sent again. */
export function FeedMessagesTable({
  labId,
  messages,
  resendAction,
}: {
  labId: string;
  messages: FeedMessageView[];
  resendAction: FormAction;
}) {
  if (messages.length === 0) return <p className="text-sm text-slate-600">No message has been queued yet.</p>;
  return (
    <Table caption="Outbound HL7 messages, newest first">
      <TableHead columns={["Report", "Status", "Attempts", "ACK", "Queued", "Detail"]} actions />
      <tbody className="divide-y divide-slate-100">
        {messages.map((m) => (
          <tr key={m.id} data-testid="hl7-feed-row">
            <Td>
              {m.accessionNumber ?? "—"}, version {m.reportVersion}
              <span className="block font-mono text-xs text-slate-500">MSH-10 {m.controlId}</span>
            </Td>
            <Td>
              <Badge tone={statusTones[m.status]}>{statusLabels[m.status]}</Badge>
            </Td>
            <Td>{m.attempts}</Td>
            <Td className="font-mono">{m.ackCode ?? "—"}</Td>
            <Td>{formatDateTime(m.createdAt)}</Td>
            <Td className="text-xs text-slate-700">
              {m.status === "sent" && m.sentAt
                ? `Sent ${formatDateTime(m.sentAt)}`
                : m.status === "queued" && m.nextAttemptAt
                  ? `${m.lastError ?? ""} Next attempt ${formatDateTime(m.nextAttemptAt)}`
                  : (m.lastError ?? "")}
            </Td>
            <Td>
              {m.status === "rejected" || m.status === "failed" ? (
                <InlineActionForm action={resendAction}>
                  {(_state, pending) => (
                    <>
                      <input type="hidden" name="labId" value={labId} />
                      <input type="hidden" name="messageId" value={m.id} />
                      <Button type="submit" variant="secondary" className="px-2 py-1" disabled={pending}>
                        Send again<span className="sr-only"> message {m.controlId}</span>
                      </Button>
                    </>
                  )}
                </InlineActionForm>
              ) : null}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
