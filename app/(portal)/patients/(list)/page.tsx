import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { LabResultStatusBadge } from "@/components/lab-results/status-badge";
import { NoLab } from "@/components/shell/no-lab";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listPatientsForUser } from "@/db/queries/patients";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";
import { formatDate } from "@/lib/format";
import { pagingSummary } from "@/lib/paging";
import { patientSearchSchema } from "@/lib/validations/patients";

export const metadata: Metadata = { title: "Patients" };

const PAGE_SIZE = 25;

export default async function PatientsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  if (!user.currentLab) return <NoLab />;
  const raw = await searchParams;
  const { q, page } = patientSearchSchema.parse({ q: raw.q, page: raw.page });
  const result = await listPatientsForUser(await getDb(), scopeOf(user), {
    q,
    page,
    pageSize: PAGE_SIZE,
  });
  const link = (p: number) =>
    `/patients?${new URLSearchParams({ ...(q ? { q } : {}), ...(p > 1 ? { page: String(p) } : {}) }).toString()}`;
  // A page past the end (an old link, a hand-edited URL): go to the last one.
  if (result.rows.length === 0 && result.total > 0 && page > 1)
    redirect(link(Math.max(1, Math.ceil(result.total / PAGE_SIZE))));
  const paging = pagingSummary({ ...result, rowsOnPage: result.rows.length }, ["patient", "patients"]);
  return (
    <>
      <PageHeader title="Patients" description={`Patients of ${user.currentLab.name}, most recent activity first.`} />
      <form method="get" role="search" aria-label="Search patients" className="mb-4 flex flex-wrap items-end gap-2">
        <div className="min-w-64 flex-1">
          <label htmlFor="patient-search" className="block text-sm font-medium text-slate-800">
            Search by name, patient id or accession number
          </label>
          <input
            id="patient-search"
            name="q"
            type="search"
            defaultValue={q ?? ""}
            maxLength={100}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </div>
        <button type="submit" className={buttonClasses("primary")}>
          Search
        </button>
        {q ? (
          <Link href="/patients" className={buttonClasses("ghost")}>
            Clear
          </Link>
        ) : null}
      </form>
      {result.total === 0 ? (
        q ? (
          <EmptyState title={`No patient matches “${q}”`}>
            Check the spelling, or search by patient id or accession number.
          </EmptyState>
        ) : (
          <EmptyState title="No patients yet">
            Patients appear here once a technician uploads their first lab result. You will be able to search by name,
            patient id or accession number and open each patient&apos;s history of results and interpretation reports.
          </EmptyState>
        )
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-600" aria-live="polite">
            {paging.count}
            {q ? ` matching “${q}”` : ""}
            {paging.position ? ` · ${paging.position}` : ""}
            {result.totalIsLowerBound ? " · search to find a patient quickly" : ""}
          </p>
          <Table caption={`Patients${q ? ` matching ${q}` : ""}`}>
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Patient id</Th>
                <Th>Birth date</Th>
                <Th>Results</Th>
                <Th>Latest status</Th>
                <Th>Last activity</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {result.rows.map((p) => (
                <tr key={p.id}>
                  <Td>
                    <Link href={`/patients/${p.id}`} className="font-medium text-brand-700 underline">
                      {p.familyName}, {p.givenName}
                    </Link>
                    {p.hasUnreadReport ? (
                      <span className="ml-2">
                        <Badge tone="success">New report</Badge>
                      </span>
                    ) : null}
                  </Td>
                  <Td className="font-mono">{p.patientId}</Td>
                  <Td>{p.birthDate ? formatDate(p.birthDate) : "—"}</Td>
                  <Td>{p.resultCount}</Td>
                  <Td>{p.latestStatus ? <LabResultStatusBadge status={p.latestStatus} /> : "—"}</Td>
                  <Td>{formatDate(p.lastActivityAt)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {paging.position ? (
            <nav aria-label="Pages" className="mt-4 flex items-center gap-3 text-sm">
              {paging.hasPrevious ? (
                <Link href={link(result.page - 1)} className={buttonClasses("secondary", "py-1.5")}>
                  Previous
                </Link>
              ) : null}
              <span>{paging.position.charAt(0).toUpperCase() + paging.position.slice(1)}</span>
              {paging.hasNext ? (
                <Link href={link(result.page + 1)} className={buttonClasses("secondary", "py-1.5")}>
                  Next
                </Link>
              ) : null}
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
