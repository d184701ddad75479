import "server-only";
import type { NextRequest } from "next/server";
import { z } from "zod";
import { getDb, type Db } from "@/db";
import { scopeOf, type QueryScope } from "@/db/queries/scope";
import { recordAudit, recordDeniedAccess } from "@/lib/audit";
import { requireUser, type CurrentUser } from "@/lib/account/auth";
import { AppError, errorResponse } from "@/lib/errors";
import { clientIp } from "@/lib/request";
import { pdfResponse } from "./response";

export type ServedDocument = {
  labId: string | null;
  patientId: string | null;
  documentId: string;
  bytes: Uint8Array;
  fileName: string;
  labResultId: string | null;
  reportId?: string | null;
};

export type ServeOptions = {
  /** Audit action prefix: `<prefix>.view` inline, `<prefix>.download` with ?download=1. */
  action: "report" | "lab_result_document";
  /** Loads the document when it belongs to one of the user's labs; undefined otherwise. */
  load: (db: Db, scope: QueryScope, id: string) => Promise<ServedDocument | undefined>;
  afterAllowed?: (db: Db, user: CurrentUser, doc: ServedDocument) => Promise<void>;
};

/**
 * The start of every audited read of one record (a PDF, an export): the signed-in user, the
 * database, the client's address and the record `load` finds in the user's scope. A
 * malformed id, another lab's id or no such id writes the one denied event, against the
 * requester's own lab whose admins see it, and throws "not found": no bytes, no hint.
 */
export async function loadAuditedRecord<T>(
  request: NextRequest,
  id: string,
  action: string,
  load: (db: Db, scope: QueryScope, id: string) => Promise<T | undefined>,
): Promise<{ user: CurrentUser; db: Db; ip: string; record: T }> {
  const user = await requireUser({ onFail: "error" });
  const db = await getDb();
  const ip = clientIp((name) => request.headers.get(name));
  const record = z.uuid().safeParse(id).success ? await load(db, scopeOf(user), id) : undefined;
  if (record === undefined) {
    await recordDeniedAccess(db, { action, userId: user.id, labId: user.currentLab?.id ?? null, ip, requestedId: id });
    throw new AppError("not_found");
  }
  return { user, db, ip, record };
}

/**
 * Serves a stored PDF to a signed-in user of its lab, inline or (?download=1) as an
 * attachment. Every request writes exactly one audit event: allowed, or denied (an id of
 * another lab, or no such id: "not found", no bytes), recorded against the requester's
 * own lab, whose admins see it.
 */
export async function serveAuditedPdf(request: NextRequest, id: string, options: ServeOptions): Promise<Response> {
  try {
    const download = request.nextUrl.searchParams.get("download") === "1";
    const action = `${options.action}.${download ? "download" : "view"}`;
    const { user, db, ip, record: doc } = await loadAuditedRecord(request, id, action, options.load);
    await recordAudit(db, {
      action,
      outcome: "allowed",
      userId: user.id,
      labId: doc.labId,
      patientId: doc.patientId,
      documentId: doc.documentId,
      labResultId: doc.labResultId,
      reportId: doc.reportId ?? null,
      ip,
    });
    await options.afterAllowed?.(db, user, doc);
    return pdfResponse(doc.bytes, doc.fileName, download ? "attachment" : "inline");
  } catch (error) {
    return errorResponse(error);
  }
}
