import type { Metadata } from "next";
import Link from "next/link";
import { PersonCreateForm } from "@/components/admin/person-create-form";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { listPeople } from "@/db/queries/people";
import { scopeOf } from "@/db/queries/scope";
import { assignableRoles, canManageUser } from "@/lib/admin/rules";
import { requireRole } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";
import { createPersonAction } from "./actions";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const actor = await requireRole(["admin", "operator"]);
  const scope = scopeOf(actor);
  const db = await getDb();
  const [people, labs] = await Promise.all([listPeople(db, scope), listLabsForAdmin(db, scope)]);
  return (
    <>
      <PageHeader
        title="People"
        description={
          actor.role === "operator"
            ? "Everyone on the platform. Create people, set their role and labs, and hand over their set-password link."
            : "The people of the labs you administer. Create people, set their role and labs, and hand over their set-password link."
        }
        actions={
          <Link href="/admin" className="text-sm font-medium text-brand-700 underline">
            Back to administration
          </Link>
        }
      />
      <section aria-labelledby="new-person-heading" className="mb-8">
        <h2 id="new-person-heading" className="mb-3 text-lg font-semibold">
          New person
        </h2>
        <PersonCreateForm
          roles={assignableRoles(actor)}
          labs={labs.filter((l) => l.active).map(({ id, name }) => ({ id, name }))}
          action={createPersonAction}
        />
      </section>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading" className="mb-3 text-lg font-semibold">
          People ({people.length})
        </h2>
        <Table caption="People">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th>Labs</Th>
              <Th>Two-factor</Th>
              <Th>Last sign-in</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {people.map((person) => (
              <tr key={person.id}>
                <Td>{person.name}</Td>
                <Td>{person.email}</Td>
                <Td className="capitalize">{person.role}</Td>
                <Td>{person.labs.map((l) => l.name).join(", ") || "—"}</Td>
                <Td>{person.twoFactor ? <Badge tone="success">On</Badge> : <Badge tone="neutral">Off</Badge>}</Td>
                <Td>{person.lastSignInAt ? formatDateTime(person.lastSignInAt) : "Never"}</Td>
                <Td>{person.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}</Td>
                <Td>
                  {person.id === actor.id ? (
                    <Link href="/account" className="text-brand-700 underline">
                      Your account
                    </Link>
                  ) : canManageUser(actor, { role: person.role, labIds: person.labs.map((l) => l.id) }) ? (
                    <Link
                      href={`/admin/people/${person.id}`}
                      aria-label={`Manage ${person.email}`}
                      className="text-brand-700 underline"
                    >
                      Manage
                    </Link>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>
    </>
  );
}
