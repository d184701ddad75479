import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PasswordResetButton } from "@/components/admin/password-reset-button";
import { PersonEditForm } from "@/components/admin/person-edit-form";
import { TwoFactorResetButton } from "@/components/admin/two-factor-reset-button";
import { UserActiveToggle } from "@/components/admin/user-active-toggle";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { scopeOf } from "@/db/queries/scope";
import { getManageablePerson } from "@/lib/admin/people";
import { assignableRoles, canManageUser } from "@/lib/admin/rules";
import { requireRole } from "@/lib/auth";
import { resetPasswordAction, resetTwoFactorAction, setPersonActiveAction, updatePersonAction } from "../actions";

export const metadata: Metadata = { title: "Manage person" };

export default async function PersonPage({ params }: { params: Promise<{ userId: string }> }) {
  const actor = await requireRole(["admin", "operator"]);
  const { userId } = await params;
  if (!z.uuid().safeParse(userId).success) notFound();
  const db = await getDb();
  const person = await getManageablePerson(db, actor, userId);
  if (!person || !canManageUser(actor, person) || person.id === actor.id) notFound();
  const labs = await listLabsForAdmin(db, scopeOf(actor));
  const others = person.labIds.length - labs.filter((l) => person.labIds.includes(l.id)).length;
  return (
    <>
      <PageHeader
        title={person.name}
        description={`${person.email} · ${person.role}${person.active ? "" : " · inactive"}`}
        actions={
          <Link href="/admin/people" className="text-sm font-medium text-brand-700 underline">
            Back to people
          </Link>
        }
      />
      <div className="space-y-8">
        <section aria-labelledby="role-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="role-heading" className="mb-3 text-lg font-semibold">
            Role and labs
          </h2>
          {others > 0 ? (
            <p className="mb-3 text-sm text-slate-600">
              They also belong to {others} lab(s) you do not administer; those memberships stay as they are.
            </p>
          ) : null}
          <PersonEditForm
            userId={person.id}
            role={person.role}
            roles={assignableRoles(actor)}
            labs={labs.map((l) => ({ id: l.id, name: l.name, member: person.labIds.includes(l.id) }))}
            action={updatePersonAction}
          />
        </section>
        <section aria-labelledby="access-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="access-heading" className="mb-3 text-lg font-semibold">
            Access
          </h2>
          <div className="space-y-4">
            <div>
              <p className="mb-2 text-sm text-slate-700">
                Status: {person.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}{" "}
                Deactivating ends their sessions at once.
              </p>
              <UserActiveToggle
                userId={person.id}
                userEmail={person.email}
                active={person.active}
                action={setPersonActiveAction}
              />
            </div>
            <div>
              <p className="mb-2 text-sm text-slate-700">
                A reset stops their current password at once and ends their sessions.
              </p>
              <PasswordResetButton userId={person.id} action={resetPasswordAction} />
            </div>
            <div>
              <p className="mb-2 text-sm text-slate-700">
                Two-factor sign-in:{" "}
                {person.totpEnabledAt ? <Badge tone="success">On</Badge> : <Badge tone="neutral">Off</Badge>}
              </p>
              {person.totpEnabledAt ? <TwoFactorResetButton userId={person.id} action={resetTwoFactorAction} /> : null}
            </div>
          </div>
        </section>
      </div>
    </>
  );
}
