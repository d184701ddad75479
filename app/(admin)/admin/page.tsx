import type { Metadata } from "next";
import Link from "next/link";
import { TurnaroundForm } from "@/components/admin/turnaround-form";
import { UserActiveToggle } from "@/components/admin/user-active-toggle";
import { buttonClasses } from "@/components/ui/button";
import { ActiveBadge } from "@/components/admin/active-badge";
import { PageHeader } from "@/components/ui/page-header";
import { Section } from "@/components/ui/section";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { getDb } from "@/db";
import { getLabsForUser } from "@/db/queries/labs";
import { listUsersForLabs } from "@/db/queries/users";
import { accountWideRefusal, administeredLabIds, administrationScope } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { formatDateTime, isoDateDaysAgo } from "@/lib/format";
import { setTurnaroundAction, setUserActiveAction } from "./actions";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const admin = await requireRole(["admin", "operator"]);
  const db = await getDb();
  const today = isoDateDaysAgo(0);
  const monthAgo = isoDateDaysAgo(30);
  const scope = administrationScope(admin, admin.currentLab?.id ?? null);
  const [labs, users] = await Promise.all([
    getLabsForUser(db, scope, administeredLabIds(admin)),
    listUsersForLabs(db, scope),
  ]);
  return (
    <>
      <PageHeader
        title="Administration"
        description="Labs you administer and the people who use them. Deactivating a user ends all of their sessions at once."
        actions={
          <nav aria-label="Administration" className="flex flex-wrap gap-4">
            <Link href="/admin/people" className="text-sm font-medium text-brand-700 underline">
              People
            </Link>
            <Link href="/admin/labs" className="text-sm font-medium text-brand-700 underline">
              Labs
            </Link>
            <Link href="/admin/docus" className="text-sm font-medium text-brand-700 underline">
              Docus connection
            </Link>
            <Link href="/admin/deliveries" className="text-sm font-medium text-brand-700 underline">
              Report deliveries and unmatched reports
            </Link>
          </nav>
        }
      />
      <Section headingId="labs-heading" title="Labs" className="mb-8">
        <Table caption="Labs">
          <TableHead
            columns={["Name", "Partner lab id", "Turnaround watchdog (dashboard flags reports later than this)"]}
          />
          <TBody>
            {labs.map((lab) => (
              <tr key={lab.id}>
                <Td>{lab.name}</Td>
                <Td className="font-mono">{lab.partnerLabId ?? "—"}</Td>
                <Td>
                  <TurnaroundForm
                    labId={lab.id}
                    labName={lab.name}
                    hours={lab.turnaroundHours}
                    action={setTurnaroundAction}
                  />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </Section>
      <Section headingId="users-heading" title="Users">
        <Table caption="Users">
          <TableHead columns={["Name", "Email", "Role", "Labs", "Last sign-in", "Status"]} actions />
          <TBody>
            {users.map((user) => (
              <tr key={user.id}>
                <Td>{user.name}</Td>
                <Td>{user.email}</Td>
                <Td className="capitalize">{[...new Set(user.labs.map((l) => l.role))].join(", ")}</Td>
                <Td>{user.labs.map((l) => `${l.name} (${l.role})`).join(", ")}</Td>
                <Td>{user.lastSignInAt ? formatDateTime(user.lastSignInAt) : "Never"}</Td>
                <Td>
                  <ActiveBadge active={user.active} />
                </Td>
                <Td>
                  {user.id === admin.id ? (
                    <span className="text-xs text-slate-500">You</span>
                  ) : accountWideRefusal(admin, {
                      isOperator: user.isOperator,
                      memberships: user.labs.map((l) => ({ labId: l.id, role: l.role })),
                    }) ? (
                    <span className="text-xs text-slate-500">Also in a lab you do not administer</span>
                  ) : (
                    <UserActiveToggle
                      userId={user.id}
                      userEmail={user.email}
                      active={user.active}
                      action={setUserActiveAction}
                    />
                  )}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </Section>
      <section aria-labelledby="audit-heading" className="mt-8">
        <h2 id="audit-heading" className="mb-1 text-lg font-semibold">
          Audit trail export
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Every view and download of a PDF, every denied attempt, sign-ins and administrative changes of your labs, as
          CSV. The trail cannot be changed or deleted: the database itself refuses it.
        </p>
        <form method="get" action="/api/admin/audit" className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="audit-from" className="block text-xs font-medium text-slate-700">
              From
            </label>
            <input
              id="audit-from"
              name="from"
              type="date"
              required
              defaultValue={monthAgo}
              className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </div>
          <div>
            <label htmlFor="audit-to" className="block text-xs font-medium text-slate-700">
              To
            </label>
            <input
              id="audit-to"
              name="to"
              type="date"
              required
              defaultValue={today}
              className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </div>
          <button type="submit" className={buttonClasses("secondary", "py-1.5")}>
            Download CSV
          </button>
        </form>
      </section>
    </>
  );
}
