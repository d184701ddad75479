import "server-only";
import type { LabResultListItem } from "@/lib/lab-results/list-item";
import { getDb } from "@/db";
import { listLabResultsForLab } from "@/db/queries/lab-results";
import type { QueryScope } from "@/db/queries/scope";
import { filterRange, type LabResultFilterParams } from "@/lib/validations/lab-result-filters";

/** The current lab's lab results list in its browser shape; shared by the page and its polling route. */
export async function loadLabResultList(
  scope: QueryScope,
  params: LabResultFilterParams,
): Promise<LabResultListItem[]> {
  const rows = await listLabResultsForLab(await getDb(), scope, { status: params.status, ...filterRange(params) });
  return rows.map((r) => ({
    id: r.id,
    accessionNumber: r.accessionNumber,
    mode: r.mode,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    fileName: r.fileName,
    patientName: `${r.patientFamilyName}, ${r.patientGivenName}`,
    patientExternalId: r.patientExternalId,
  }));
}
