import type { Metadata } from "next";
import Link from "next/link";
import { LabResultsLive } from "@/components/lab-results/lab-results-live";
import { QueryProvider } from "@/components/providers/query-provider";
import { NoLab } from "@/components/shell/no-lab";
import { buttonClasses } from "@/components/ui/button";
import { UploadLink } from "@/components/lab-results/upload-link";
import { DateRangeFields } from "@/components/ui/date-range-fields";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { labResultStatuses } from "@/lib/domain";
import { requireUser } from "@/lib/account/auth";
import { scopeOf } from "@/db/queries/scope";
import { loadLabResultList } from "@/lib/lab-results/list";
import { labResultFiltersSchema } from "@/lib/validations/lab-result-filters";
import { cancelLabResultAction, retryLabResultAction } from "../actions";

export const metadata: Metadata = { title: "Lab results" };

const statusLabels: Record<(typeof labResultStatuses)[number], string> = {
  needs_confirmation: "Needs confirmation",
  queued: "Queued",
  sending: "Sending",
  retrying: "Retrying",
  accepted: "Accepted",
  rejected: "Rejected",
  failed: "Failed",
  cancelled: "Cancelled",
  report_ready: "Report ready",
};

export default async function LabResultsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const raw = await searchParams;
  const params = labResultFiltersSchema.parse({
    status: typeof raw.status === "string" && raw.status ? raw.status : undefined,
    from: typeof raw.from === "string" && raw.from ? raw.from : undefined,
    to: typeof raw.to === "string" && raw.to ? raw.to : undefined,
  });
  const rows = await loadLabResultList(scopeOf(user), params);
  const query = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => typeof e[1] === "string"),
  ).toString();
  const filtered = Boolean(query);
  const canManage = user.role === "technician" || user.role === "admin";
  return (
    <>
      <PageHeader
        title="Lab results"
        description={`Every lab result submitted by ${user.currentLab.name}, newest first. States update by themselves.`}
        actions={canManage ? <UploadLink /> : null}
      />
      <form
        method="get"
        className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
        aria-label="Filter lab results"
      >
        <div>
          <label htmlFor="status" className="block text-xs font-medium text-slate-700">
            Status
          </label>
          <select
            id="status"
            name="status"
            defaultValue={params.status ?? ""}
            className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          >
            <option value="">All</option>
            {labResultStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </div>
        <DateRangeFields from={params.from} to={params.to} />
        <button type="submit" className={buttonClasses("secondary", "py-1.5")}>
          Apply filters
        </button>
        {filtered ? (
          <Link href="/lab-results" className="text-sm text-brand-700 underline">
            Clear filters
          </Link>
        ) : null}
      </form>
      {rows.length === 0 && !filtered ? (
        <EmptyState title="No lab results yet">
          Each uploaded PDF appears here with its patient, accession number, mode (interpret or store only), its status
          at Docus and any error, updated as it changes.
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title="No lab results match these filters" />
      ) : (
        <QueryProvider>
          <LabResultsLive
            initialRows={rows}
            query={query}
            canManage={canManage}
            retry={retryLabResultAction}
            cancel={cancelLabResultAction}
          />
        </QueryProvider>
      )}
    </>
  );
}
