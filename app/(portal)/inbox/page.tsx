import type { Metadata } from "next";
import { InboxFilters } from "@/components/inbox/inbox-filters";
import { InboxList, type InboxListRow } from "@/components/inbox/inbox-list";
import { OverdueCriticalPanel } from "@/components/inbox/overdue-critical";
import { NoLab } from "@/components/shell/no-lab";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getInboxSettings, listInbox, listOverdueCritical } from "@/db/queries/inbox";
import { listReportDiffsForUser } from "@/db/queries/report-diffs";
import { scopeOf } from "@/db/queries/scope";
import { requireRole } from "@/lib/account/auth";
import { formatDateTime } from "@/lib/format";
import { ageTone, inboxSearchSchema, waitingDays } from "@/lib/inbox";
import { requestDiff } from "@/lib/reports/diff-job";

export const metadata: Metadata = { title: "Inbox" };

const INBOX_LIMIT = 100;

export default async function InboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireRole(["doctor", "admin"]);
  if (!user.currentLab) return <NoLab />;
  const search = inboxSearchSchema.parse(await searchParams);
  const db = await getDb();
  const scope = scopeOf(user);
  const settings = await getInboxSettings(db, scope);
  const who = search.who ?? (user.role === "doctor" ? "for_me" : "all");
  const minAgeDays = search.age === "red" ? settings.redDays : search.age === "amber" ? settings.amberDays : undefined;
  const [inbox, overdue] = await Promise.all([
    listInbox(db, scope, { flag: search.flag, assignee: who, minAgeDays, patient: search.patient }, INBOX_LIMIT),
    listOverdueCritical(db, scope),
  ]);
  // What changed in each amended report since the version last signed off (or the one before).
  const diffs = await listReportDiffsForUser(
    db,
    scope,
    inbox.rows.filter((r) => r.amended).map((r) => r.reportId),
  );
  for (const diff of diffs.values())
    if (diff.state === "missing")
      await requestDiff({ fromReportId: diff.fromReportId, toReportId: diff.toReportId, labId: user.currentLab.id });
  const now = new Date();
  const rows: InboxListRow[] = inbox.rows.map((r) => {
    const days = waitingDays(r.receivedAt, now);
    const diff = diffs.get(r.reportId);
    return {
      diff: diff
        ? {
            fromVersion: diff.fromVersion,
            toVersion: diff.toVersion,
            state: diff.state,
            changed: diff.changed,
            wordsAdded: diff.wordsAdded,
            wordsRemoved: diff.wordsRemoved,
            parts: diff.parts,
            partial: diff.partial,
            failureReason: diff.failureReason,
          }
        : null,
      reportId: r.reportId,
      version: r.version,
      amended: r.amended,
      receivedLabel: formatDateTime(r.receivedAt),
      flag: r.flag,
      accessionNumber: r.accessionNumber,
      patientName: r.patientName,
      patientExternalId: r.patientExternalId,
      owner: r.ownerId === null ? "unassigned" : r.ownerId === user.id ? "you" : (r.ownerName ?? "a former member"),
      copiedToMe: r.copiedToMe,
      state: r.state,
      followUpNote: r.followUpNote,
      ageDays: days,
      ageTone: ageTone(days, settings.amberDays, settings.redDays),
    };
  });
  return (
    <>
      <PageHeader
        title="Inbox"
        description={`${user.currentLab.name}: interpretation reports waiting for sign-off, critical first, then abnormal, then oldest.`}
      />
      <OverdueCriticalPanel items={overdue} windowMinutes={settings.criticalSignOffMinutes} />
      <InboxFilters
        flag={search.flag ?? ""}
        who={who}
        age={search.age ?? "any"}
        patient={search.patient ?? ""}
        amberDays={settings.amberDays}
        redDays={settings.redDays}
      />
      <InboxList rows={rows} total={inbox.total} limit={INBOX_LIMIT} />
    </>
  );
}
