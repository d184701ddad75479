import "server-only";
import { and, asc, count, eq, exists, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db";
import {
  interpretationReports,
  labMemberships,
  labResults,
  labs,
  patients,
  reportInboxCopies,
  reportInboxEntries,
  reportReadMarks,
  reportSignOffs,
  users,
} from "@/db/schema";
import type { LabResultFlag } from "@/lib/domain";
import { currentLabOf, type QueryScope } from "./scope";

/*
 * The doctors' results inbox (see db/schema/inbox.ts): the report versions of the current
 * lab that await sign-off, their owner, copies, follow-up marks and sign-offs. Every query
 * is scoped to the current lab: an id of another lab is "not found".
 */

/** Whose entries a list shows: mine (owned or copied to me) and unassigned; only mine; only unassigned; all. */
export const inboxAssignees = ["for_me", "mine", "unassigned", "all"] as const;
export type InboxAssignee = (typeof inboxAssignees)[number];

export type InboxFilters = {
  flag?: LabResultFlag | "none";
  assignee?: InboxAssignee;
  /** Only entries waiting at least this many days. */
  minAgeDays?: number;
  /** A prefix of the patient's family name, given name or patient id. */
  patient?: string;
};

export type InboxState = "new" | "viewed";

export type InboxRow = {
  reportId: string;
  labResultId: string;
  version: number;
  amended: boolean;
  receivedAt: Date;
  flag: LabResultFlag | null;
  accessionNumber: string;
  patientName: string;
  patientExternalId: string;
  ownerId: string | null;
  ownerName: string | null;
  copiedToMe: boolean;
  state: InboxState;
  followUpNote: string | null;
};

/** The inbox's order: critical first, then abnormal, then the rest; oldest first within each. */
const flagRank = sql<number>`(case ${reportInboxEntries.flag} when 'critical' then 0 when 'abnormal' then 1 else 2 end)`;

function copiedTo(db: Db | Tx, userId: string) {
  return exists(
    db
      .select({ one: sql`1` })
      .from(reportInboxCopies)
      .where(
        and(eq(reportInboxCopies.labResultId, reportInboxEntries.labResultId), eq(reportInboxCopies.userId, userId)),
      ),
  );
}

function inboxConditions(db: Db | Tx, scope: QueryScope, labId: string, filters: InboxFilters): SQL[] {
  const where: SQL[] = [eq(reportInboxEntries.labId, labId), eq(reportInboxEntries.awaitingSignOff, true)];
  const assignee = filters.assignee ?? "for_me";
  if (assignee === "mine") where.push(or(eq(reportInboxEntries.ownerId, scope.userId), copiedTo(db, scope.userId))!);
  else if (assignee === "unassigned") where.push(isNull(reportInboxEntries.ownerId));
  else if (assignee === "for_me")
    where.push(
      or(eq(reportInboxEntries.ownerId, scope.userId), isNull(reportInboxEntries.ownerId), copiedTo(db, scope.userId))!,
    );
  if (filters.flag === "none") where.push(isNull(reportInboxEntries.flag));
  else if (filters.flag) where.push(eq(reportInboxEntries.flag, filters.flag));
  if (filters.minAgeDays && filters.minAgeDays > 0)
    where.push(sql`${reportInboxEntries.receivedAt} <= now() - make_interval(days => ${filters.minAgeDays})`);
  const q = filters.patient?.trim();
  if (q) {
    const prefix = `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(ilike(patients.familyName, prefix), ilike(patients.givenName, prefix), ilike(patients.patientId, prefix))!,
    );
  }
  return where;
}

/** The inbox of the current lab for the user: the rows (up to `limit`) and how many match in all. */
export async function listInbox(
  db: Db,
  scope: QueryScope,
  filters: InboxFilters = {},
  limit = 100,
): Promise<{ rows: InboxRow[]; total: number }> {
  const labId = currentLabOf(scope);
  if (!labId) return { rows: [], total: 0 };
  const where = and(...inboxConditions(db, scope, labId, filters));
  const [rows, [totalRow]] = await Promise.all([
    db
      .select({
        reportId: reportInboxEntries.reportId,
        labResultId: reportInboxEntries.labResultId,
        version: reportInboxEntries.version,
        receivedAt: reportInboxEntries.receivedAt,
        flag: reportInboxEntries.flag,
        accessionNumber: labResults.accessionNumber,
        familyName: patients.familyName,
        givenName: patients.givenName,
        patientExternalId: patients.patientId,
        ownerId: reportInboxEntries.ownerId,
        ownerName: users.name,
        copiedToMe: sql<boolean>`${copiedTo(db, scope.userId)}`,
        viewed: sql<boolean>`exists (select 1 from ${reportReadMarks} where ${reportReadMarks.reportId} = ${reportInboxEntries.reportId} and ${reportReadMarks.userId} = ${reportInboxEntries.ownerId})`,
        followUpNote: reportInboxEntries.followUpNote,
      })
      .from(reportInboxEntries)
      .innerJoin(labResults, eq(labResults.id, reportInboxEntries.labResultId))
      .innerJoin(patients, eq(patients.id, labResults.patientId))
      .leftJoin(users, eq(users.id, reportInboxEntries.ownerId))
      .where(where)
      .orderBy(flagRank, asc(reportInboxEntries.receivedAt))
      .limit(limit),
    filters.patient?.trim()
      ? db
          .select({ n: count() })
          .from(reportInboxEntries)
          .innerJoin(labResults, eq(labResults.id, reportInboxEntries.labResultId))
          .innerJoin(patients, eq(patients.id, labResults.patientId))
          .where(where)
      : // Without a patient filter the count needs the entries alone (their partial index).
        db.select({ n: count() }).from(reportInboxEntries).where(where),
  ]);
  return {
    total: totalRow?.n ?? 0,
    rows: rows.map((r) => ({
      reportId: r.reportId,
      labResultId: r.labResultId,
      version: r.version,
      amended: r.version > 1,
      receivedAt: r.receivedAt,
      flag: r.flag,
      accessionNumber: r.accessionNumber,
      patientName: `${r.familyName}, ${r.givenName}`,
      patientExternalId: r.patientExternalId,
      ownerId: r.ownerId,
      ownerName: r.ownerName,
      copiedToMe: Boolean(r.copiedToMe),
      state: r.viewed ? "viewed" : "new",
      followUpNote: r.followUpNote,
    })),
  };
}

/** The lab's inbox settings: the critical window (minutes) and the amber and red ages (days). */
export type InboxSettings = { criticalSignOffMinutes: number; amberDays: number; redDays: number };

export async function getInboxSettings(db: Db, scope: QueryScope): Promise<InboxSettings> {
  const labId = currentLabOf(scope);
  const [lab] = labId
    ? await db
        .select({
          criticalSignOffMinutes: labs.criticalSignOffMinutes,
          amberDays: labs.inboxAmberDays,
          redDays: labs.inboxRedDays,
        })
        .from(labs)
        .where(eq(labs.id, labId))
    : [];
  return lab ?? { criticalSignOffMinutes: 60, amberDays: 7, redDays: 14 };
}

export type OverdueCritical = {
  reportId: string;
  labResultId: string;
  receivedAt: Date;
  accessionNumber: string;
  patientName: string;
  ownerName: string | null;
};

/** Critical reports of the current lab not signed off within the lab's window (oldest first). */
export async function listOverdueCritical(db: Db, scope: QueryScope, limit = 50): Promise<OverdueCritical[]> {
  const labId = currentLabOf(scope);
  if (!labId) return [];
  const rows = await db
    .select({
      reportId: reportInboxEntries.reportId,
      labResultId: reportInboxEntries.labResultId,
      receivedAt: reportInboxEntries.receivedAt,
      accessionNumber: labResults.accessionNumber,
      familyName: patients.familyName,
      givenName: patients.givenName,
      ownerName: users.name,
    })
    .from(reportInboxEntries)
    .innerJoin(labs, eq(labs.id, reportInboxEntries.labId))
    .innerJoin(labResults, eq(labResults.id, reportInboxEntries.labResultId))
    .innerJoin(patients, eq(patients.id, labResults.patientId))
    .leftJoin(users, eq(users.id, reportInboxEntries.ownerId))
    .where(
      and(
        eq(reportInboxEntries.labId, labId),
        eq(reportInboxEntries.awaitingSignOff, true),
        eq(reportInboxEntries.flag, "critical"),
        sql`${reportInboxEntries.receivedAt} <= now() - make_interval(mins => ${labs.criticalSignOffMinutes})`,
      ),
    )
    .orderBy(asc(reportInboxEntries.receivedAt))
    .limit(limit);
  return rows.map((r) => ({
    reportId: r.reportId,
    labResultId: r.labResultId,
    receivedAt: r.receivedAt,
    accessionNumber: r.accessionNumber,
    patientName: `${r.familyName}, ${r.givenName}`,
    ownerName: r.ownerName,
  }));
}

export type SignOffRecord = {
  signedOffAt: Date;
  signedOffByName: string | null;
  comment: string | null;
  /** Milliseconds from delivery to sign-off. */
  afterDeliveryMs: number;
};

export type InboxEntryDetail = {
  reportId: string;
  labResultId: string;
  labId: string;
  version: number;
  receivedAt: Date;
  flag: LabResultFlag | null;
  awaitingSignOff: boolean;
  ownerId: string | null;
  ownerName: string | null;
  copies: { userId: string; name: string }[];
  followUp: { note: string; byName: string | null; at: Date } | null;
  signOff: SignOffRecord | null;
  /** A critical report past the lab's window without a sign-off. */
  overdueCritical: boolean;
  /** Its owner has opened it. */
  viewedByOwner: boolean;
};

/** The inbox state of one report version of the current lab, or undefined (not found, or not in the inbox). */
export async function getInboxEntry(
  db: Db | Tx,
  scope: QueryScope,
  reportId: string,
): Promise<InboxEntryDetail | undefined> {
  const labId = currentLabOf(scope);
  if (!labId) return undefined;
  const followUpBy = sql<
    string | null
  >`(select ${users.name} from ${users} where ${users.id} = ${reportInboxEntries.followUpById})`;
  const [row] = await db
    .select({
      reportId: reportInboxEntries.reportId,
      labResultId: reportInboxEntries.labResultId,
      labId: reportInboxEntries.labId,
      version: reportInboxEntries.version,
      receivedAt: reportInboxEntries.receivedAt,
      flag: reportInboxEntries.flag,
      awaitingSignOff: reportInboxEntries.awaitingSignOff,
      ownerId: reportInboxEntries.ownerId,
      ownerName: users.name,
      followUpNote: reportInboxEntries.followUpNote,
      followUpAt: reportInboxEntries.followUpAt,
      followUpBy,
      viewedByOwner: sql<boolean>`exists (select 1 from ${reportReadMarks} where ${reportReadMarks.reportId} = ${reportInboxEntries.reportId} and ${reportReadMarks.userId} = ${reportInboxEntries.ownerId})`,
      overdueCritical: sql<boolean>`${reportInboxEntries.flag} = 'critical' and ${reportInboxEntries.awaitingSignOff} and ${reportInboxEntries.receivedAt} <= now() - make_interval(mins => ${labs.criticalSignOffMinutes})`,
    })
    .from(reportInboxEntries)
    .innerJoin(labs, eq(labs.id, reportInboxEntries.labId))
    .innerJoin(labResults, eq(labResults.id, reportInboxEntries.labResultId))
    .leftJoin(users, eq(users.id, reportInboxEntries.ownerId))
    .where(and(eq(reportInboxEntries.reportId, reportId), eq(reportInboxEntries.labId, labId)));
  if (!row) return undefined;
  const [copies, [signOff]] = await Promise.all([
    db
      .select({ userId: reportInboxCopies.userId, name: users.name })
      .from(reportInboxCopies)
      .innerJoin(users, eq(users.id, reportInboxCopies.userId))
      .where(and(eq(reportInboxCopies.labResultId, row.labResultId), eq(reportInboxCopies.labId, labId)))
      .orderBy(asc(users.name)),
    db
      .select({
        signedOffAt: reportSignOffs.signedOffAt,
        signedOffByName: users.name,
        comment: reportSignOffs.comment,
      })
      .from(reportSignOffs)
      .leftJoin(users, eq(users.id, reportSignOffs.signedOffById))
      .where(and(eq(reportSignOffs.reportId, reportId), eq(reportSignOffs.labId, labId))),
  ]);
  return {
    reportId: row.reportId,
    labResultId: row.labResultId,
    labId: row.labId,
    version: row.version,
    receivedAt: row.receivedAt,
    flag: row.flag,
    awaitingSignOff: row.awaitingSignOff,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    copies,
    followUp:
      row.followUpNote !== null && row.followUpAt
        ? { note: row.followUpNote, byName: row.followUpBy, at: row.followUpAt }
        : null,
    signOff: signOff ? { ...signOff, afterDeliveryMs: signOff.signedOffAt.getTime() - row.receivedAt.getTime() } : null,
    overdueCritical: Boolean(row.overdueCritical),
    viewedByOwner: Boolean(row.viewedByOwner),
  };
}

/** The doctors of the current lab (active accounts), to assign or copy a report to. */
export async function listLabDoctors(
  db: Db,
  scope: QueryScope,
): Promise<{ id: string; name: string; email: string }[]> {
  const labId = currentLabOf(scope);
  if (!labId) return [];
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(labMemberships)
    .innerJoin(users, eq(users.id, labMemberships.userId))
    .where(and(eq(labMemberships.labId, labId), eq(labMemberships.role, "doctor"), eq(users.active, true)))
    .orderBy(asc(users.name));
}

async function isLabDoctor(tx: Tx, labId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ one: sql`1` })
    .from(labMemberships)
    .innerJoin(users, eq(users.id, labMemberships.userId))
    .where(
      and(
        eq(labMemberships.labId, labId),
        eq(labMemberships.userId, userId),
        eq(labMemberships.role, "doctor"),
        eq(users.active, true),
      ),
    );
  return Boolean(row);
}

/** The entry locked for a change, within the current lab. */
async function lockEntry(tx: Tx, scope: QueryScope, reportId: string) {
  const labId = currentLabOf(scope);
  if (!labId) return undefined;
  const [row] = await tx
    .select({
      reportId: reportInboxEntries.reportId,
      labId: reportInboxEntries.labId,
      labResultId: reportInboxEntries.labResultId,
      version: reportInboxEntries.version,
      ownerId: reportInboxEntries.ownerId,
      awaitingSignOff: reportInboxEntries.awaitingSignOff,
      receivedAt: reportInboxEntries.receivedAt,
      patientId: interpretationReports.patientId,
    })
    .from(reportInboxEntries)
    .innerJoin(interpretationReports, eq(interpretationReports.id, reportInboxEntries.reportId))
    .where(and(eq(reportInboxEntries.reportId, reportId), eq(reportInboxEntries.labId, labId)))
    .for("update", { of: reportInboxEntries });
  return row;
}

export type LockedEntry = NonNullable<Awaited<ReturnType<typeof lockEntry>>>;
type AfterChange = (tx: Tx, entry: LockedEntry) => Promise<void>;

export type SignOffOutcome =
  | { ok: true; entry: LockedEntry; signedOffAt: Date }
  | { ok: false; reason: "not_found" | "already_signed_off" | "superseded" };

/**
 * Signs one report version off (once: a second sign-off of the same version is refused,
 * as is a version an amendment has superseded). The version leaves the inbox.
 */
export async function signOffReport(
  db: Db,
  scope: QueryScope,
  reportId: string,
  comment: string | null,
  after?: AfterChange,
): Promise<SignOffOutcome> {
  return db.transaction(async (tx) => {
    const entry = await lockEntry(tx, scope, reportId);
    if (!entry) return { ok: false, reason: "not_found" };
    const [existing] = await tx
      .select({ id: reportSignOffs.id })
      .from(reportSignOffs)
      .where(eq(reportSignOffs.reportId, reportId));
    if (existing) return { ok: false, reason: "already_signed_off" };
    if (!entry.awaitingSignOff) return { ok: false, reason: "superseded" };
    const [signed] = await tx
      .insert(reportSignOffs)
      .values({ reportId, labId: entry.labId, signedOffById: scope.userId, comment })
      .returning({ signedOffAt: reportSignOffs.signedOffAt });
    await tx
      .update(reportInboxEntries)
      .set({ awaitingSignOff: false })
      .where(eq(reportInboxEntries.reportId, reportId));
    await after?.(tx, entry);
    return { ok: true, entry, signedOffAt: signed!.signedOffAt };
  });
}

export type AssignOutcome =
  | { ok: true; entry: LockedEntry; previousOwnerId: string | null }
  | { ok: false; reason: "not_found" | "not_a_doctor" | "signed_off" };

/**
 * Moves responsibility for a report to a doctor of its lab (null: back to unassigned).
 * It is a move, not a copy: the previous owner no longer has it. Later versions keep it.
 */
export async function assignReport(
  db: Db,
  scope: QueryScope,
  reportId: string,
  toUserId: string | null,
  after?: AfterChange,
): Promise<AssignOutcome> {
  return db.transaction(async (tx) => {
    const entry = await lockEntry(tx, scope, reportId);
    if (!entry) return { ok: false, reason: "not_found" };
    if (!entry.awaitingSignOff) return { ok: false, reason: "signed_off" };
    if (toUserId !== null && !(await isLabDoctor(tx, entry.labId, toUserId)))
      return { ok: false, reason: "not_a_doctor" };
    await tx
      .update(reportInboxEntries)
      .set({ ownerId: toUserId, assignedAt: toUserId ? new Date() : null })
      .where(eq(reportInboxEntries.reportId, reportId));
    // The new owner no longer needs a copy of what they now own.
    if (toUserId)
      await tx
        .delete(reportInboxCopies)
        .where(and(eq(reportInboxCopies.labResultId, entry.labResultId), eq(reportInboxCopies.userId, toUserId)));
    await after?.(tx, entry);
    return { ok: true, entry, previousOwnerId: entry.ownerId };
  });
}

export type CopyOutcome =
  { ok: true; entry: LockedEntry; added: boolean } | { ok: false; reason: "not_found" | "not_a_doctor" | "is_owner" };

/** Copies a report to a colleague of the lab: they see it in their inbox; the owner stays the owner. */
export async function copyReportTo(
  db: Db,
  scope: QueryScope,
  reportId: string,
  userId: string,
  after?: AfterChange,
): Promise<CopyOutcome> {
  return db.transaction(async (tx) => {
    const entry = await lockEntry(tx, scope, reportId);
    if (!entry) return { ok: false, reason: "not_found" };
    if (!(await isLabDoctor(tx, entry.labId, userId))) return { ok: false, reason: "not_a_doctor" };
    if (entry.ownerId === userId) return { ok: false, reason: "is_owner" };
    const inserted = await tx
      .insert(reportInboxCopies)
      .values({ labResultId: entry.labResultId, userId, labId: entry.labId, addedById: scope.userId })
      .onConflictDoNothing()
      .returning({ userId: reportInboxCopies.userId });
    await after?.(tx, entry);
    return { ok: true, entry, added: inserted.length > 0 };
  });
}

/** Marks (note) or clears (null) "needs follow-up" on a report version. */
export async function setFollowUp(
  db: Db,
  scope: QueryScope,
  reportId: string,
  note: string | null,
  after?: AfterChange,
): Promise<{ ok: true; entry: LockedEntry } | { ok: false; reason: "not_found" }> {
  return db.transaction(async (tx) => {
    const entry = await lockEntry(tx, scope, reportId);
    if (!entry) return { ok: false, reason: "not_found" };
    await tx
      .update(reportInboxEntries)
      .set(
        note === null
          ? { followUpNote: null, followUpById: null, followUpAt: null }
          : { followUpNote: note, followUpById: scope.userId, followUpAt: new Date() },
      )
      .where(eq(reportInboxEntries.reportId, reportId));
    await after?.(tx, entry);
    return { ok: true, entry };
  });
}

/** Changes the lab's flag on a lab result of the current lab; the previous flag, or not found. */
export async function setLabResultFlag(
  db: Db,
  scope: QueryScope,
  labResultId: string,
  flag: LabResultFlag | null,
  after?: (tx: Tx, row: { labId: string; patientId: string; previous: LabResultFlag | null }) => Promise<void>,
): Promise<{ ok: true; previous: LabResultFlag | null } | { ok: false }> {
  const labId = currentLabOf(scope);
  if (!labId) return { ok: false };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ labId: labResults.labId, patientId: labResults.patientId, previous: labResults.flag })
      .from(labResults)
      .where(and(eq(labResults.id, labResultId), eq(labResults.labId, labId)))
      .for("update");
    if (!row) return { ok: false };
    await tx.update(labResults).set({ flag, updatedAt: new Date() }).where(eq(labResults.id, labResultId));
    await tx.update(reportInboxEntries).set({ flag }).where(eq(reportInboxEntries.labResultId, labResultId));
    await after?.(tx, row);
    return { ok: true, previous: row.previous };
  });
}

/** How many report versions await sign-off for the user (for_me), for the navigation's badge. */
export async function countInboxForUser(db: Db, scope: QueryScope): Promise<number> {
  const labId = currentLabOf(scope);
  if (!labId) return 0;
  const [row] = await db
    .select({ n: count() })
    .from(reportInboxEntries)
    .where(and(...inboxConditions(db, scope, labId, { assignee: "for_me" })));
  return row?.n ?? 0;
}

/**
 * Saves a lab's inbox settings. The caller has checked that the actor administers the lab
 * (lib/admin/rules administers); false when there is no such lab.
 */
export async function updateLabInboxSettings(
  db: Db,
  labId: string,
  settings: InboxSettings,
  after?: (tx: Tx, previous: InboxSettings) => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [previous] = await tx
      .select({
        criticalSignOffMinutes: labs.criticalSignOffMinutes,
        amberDays: labs.inboxAmberDays,
        redDays: labs.inboxRedDays,
      })
      .from(labs)
      .where(eq(labs.id, labId))
      .for("update");
    if (!previous) return false;
    await tx
      .update(labs)
      .set({
        criticalSignOffMinutes: settings.criticalSignOffMinutes,
        inboxAmberDays: settings.amberDays,
        inboxRedDays: settings.redDays,
      })
      .where(eq(labs.id, labId));
    await after?.(tx, previous);
    return true;
  });
}
