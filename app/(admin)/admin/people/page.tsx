import type { Metadata } from "next";
import Link from "next/link";
import { ActiveBadge } from "@/components/admin/active-badge";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { PersonCreateForm } from "@/components/admin/person-create-form";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { listPeople } from "@/db/queries/people";
import { administrationScope, canManageUser, creatableRoles } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { formatDateTime } from "@/lib/format";
import { createPersonAction } from "./actions";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const actor = await requireRole(["admin", "operator"]);
  const scope = administrationScope(actor, actor.currentLab?.id ?? null);
  const db = await getDb();
  const [people, labs] = await Promise.all([listPeople(db, scope), listLabsForAdmin(db, scope)]);
  return (
    <>
      <AdminPageHeader
        title="People"
        description={
          actor.role === "operator"
            ? "Everyone on the platform. Create people, set their role in each lab, and hand over their set-password link."
            : "The people of the labs you administer. Create people, set their role in each lab, and hand over their set-password link."
        }
      />
      <Section headingId="new-person-heading" title="New person" className="mb-8">
        <PersonCreateForm
          roles={creatableRoles(actor)}
          labs={labs.filter((l) => l.active).map(({ id, name }) => ({ id, name }))}
          action={createPersonAction}
        />
      </Section>
      <Section headingId="people-heading" title={`People (${people.length})`}>
        <Table caption="People">
          <TableHead
            columns={["Name", "Email", "Role", "Labs (role in each)", "Two-factor", "Last sign-in", "Status"]}
            actions
          />
          <TBody>
            {people.map((person) => (
              <tr key={person.id}>
                <Td>{person.name}</Td>
                <Td>{person.email}</Td>
                <Td className="capitalize">
                  {person.isOperator ? "operator" : [...new Set(person.labs.map((l) => l.role))].join(", ") || "—"}
                </Td>
                <Td>{person.labs.map((l) => `${l.name} (${l.role})`).join(", ") || "—"}</Td>
                <Td>{person.twoFactor ? <Badge tone="success">On</Badge> : <Badge tone="neutral">Off</Badge>}</Td>
                <Td>{person.lastSignInAt ? formatDateTime(person.lastSignInAt) : "Never"}</Td>
                <Td>
                  <ActiveBadge active={person.active} />
                </Td>
                <Td>
                  {person.id === actor.id ? (
                    <Link href="/account" className="text-brand-700 underline">
                      Your account
                    </Link>
                  ) : canManageUser(actor, {
                      isOperator: person.isOperator,
                      memberships: person.labs.map((l) => ({ labId: l.id, role: l.role })),
                    }) ? (
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
          </TBody>
        </Table>
      </Section>
    </>
  );
}
