"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { getLabById } from "@/db/queries/lab-admin";
import { requireRole } from "@/lib/account/auth";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { checkManifestForLab, sendManifestFile } from "@/lib/uploads/manifest";
import { parseManifestXlsxIsolated } from "@/lib/manifest/parse-isolated";
import { scopeOf } from "@/db/queries/scope";
import {
  MAX_MANIFEST_ROWS,
  manifestRowSchema,
  parseManifestCsv,
  type ManifestCheckResult,
  type ManifestFileResult,
} from "@/lib/manifest";

/** A manifest is a small table: more than this is not one. */
const MAX_MANIFEST_BYTES = 5 * 1024 * 1024;

const filesSchema = z
  .array(
    z.object({
      name: z.string().min(1).max(255),
      size: z.number().int().min(0),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    }),
  )
  .max(MAX_MANIFEST_ROWS * 2);
const droppedSchema = z.array(z.number().int().min(1)).max(MAX_MANIFEST_ROWS * 2);

function json(formData: FormData, name: string): unknown {
  const value = formData.get(name);
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The technician's lab, active; or why there is none. */
async function uploadingLab() {
  const user = await requireRole(["technician", "admin"]);
  const current = user.currentLab;
  if (!current) return { error: "Your account is not a member of any lab. Ask an administrator to add you." } as const;
  const lab = await getLabById(await getDb(), current.id);
  if (!lab?.active) return { error: `${current.name} is deactivated and takes no new uploads.` } as const;
  return { user, lab } as const;
}

/**
 * Checks a manifest and the dropped files (names, sizes and SHA-256s; the bytes follow
 * with each send) again on the server, with the lab's patients and earlier uploads.
 */
export async function checkManifestAction(formData: FormData): Promise<ManifestCheckResult> {
  const who = await uploadingLab();
  if ("error" in who) return { status: "error", message: who.error! };
  const manifest = formData.get("manifest");
  const files = filesSchema.safeParse(json(formData, "files"));
  const dropped = droppedSchema.safeParse(json(formData, "dropped") ?? []);
  if (!(manifest instanceof File) || manifest.size > MAX_MANIFEST_BYTES || !files.success || !dropped.success)
    return { status: "invalid", message: "The manifest or the list of files could not be read. Choose them again." };
  try {
    const parsed = /\.xlsx$/i.test(manifest.name)
      ? await parseManifestXlsxIsolated(new Uint8Array(await manifest.arrayBuffer()))
      : parseManifestCsv(await manifest.text());
    const droppedLines = new Set(dropped.data);
    const kept = { ...parsed, rows: parsed.rows.filter((r) => !droppedLines.has(r.line)) };
    const check = await checkManifestForLab(
      await getDb(),
      { ...scopeOf(who.user), labId: who.lab.id },
      kept,
      files.data,
      {
        defaultMode: who.lab.defaultUploadMode,
        maxUploadMb: getEnv().MAX_UPLOAD_MB,
      },
    );
    return {
      status: "success",
      problems: check.problems,
      readyLines: check.ready.map((r) => r.line),
      patientCount: check.patientCount,
    };
  } catch (error) {
    console.error(`[manifest] the check failed: ${describeError(error)}`);
    return { status: "error", message: "The manifest could not be checked on the server. Try again." };
  }
}

/** Sends one file of a checked batch through the one upload service; answers queued, held, refused or error. */
export async function sendManifestFileAction(formData: FormData): Promise<ManifestFileResult> {
  const who = await uploadingLab();
  if ("error" in who) return { status: "error", message: who.error! };
  const row = manifestRowSchema.safeParse(json(formData, "row"));
  const patientRef = z
    .uuid()
    .optional()
    .safeParse(formData.get("patientRef") ?? undefined);
  const file = formData.get("file");
  if (!row.success || !patientRef.success)
    return { status: "refused", message: "This row's details did not pass the check. Check the manifest again." };
  if (!(file instanceof File)) return { status: "refused", message: "The file did not arrive. Try again." };
  const maxUploadMb = getEnv().MAX_UPLOAD_MB;
  // Refused before its bytes are read: the upload service says the same of the bytes.
  if (file.size > maxUploadMb * 1024 * 1024)
    return { status: "refused", message: `${file.name} is larger than the ${maxUploadMb} MB limit.` };
  const result = await sendManifestFile(
    await getDb(),
    { ...scopeOf(who.user), labId: who.lab.id, labName: who.lab.name },
    row.data,
    { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
    { patientRef: patientRef.data, maxUploadMb },
  );
  if (result.status === "success") {
    revalidatePath("/lab-results");
    revalidatePath("/");
  }
  return result;
}
