import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ActiveBadge } from "@/components/admin/active-badge";
import { PasswordResetButton } from "@/components/admin/password-reset-button";
import { PersonEditForm } from "@/components/admin/person-edit-form";
import { TwoFactorResetButton } from "@/components/admin/two-factor-reset-button";
import { UserActiveToggle } from "@/components/admin/user-active-toggle";
import { Badge } from "@/components/ui/badge";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { Section } from "@/components/ui/section";
import { getDb } from "@/db";
import { listLabsForAdmin } from "@/db/queries/lab-admin";
import { getManageablePerson } from "@/lib/admin/people";
import { accountWideRefusal, administrationScope, canManageUser, isOperator } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { resetPasswordAction, resetTwoFactorAction, setPersonActiveAction, updatePersonAction } from "../actions";

export const metadata: Metadata = { title: "Manage person" };

export default async function PersonPage({ params }: { params: Promise<{ userId: string }> }) {
  const actor = await requireRole(["admin", "operator"]);
  const { userId } = await params;
  if (!z.uuid().safeParse(userId).success) notFound();
  const db = await getDb();
  const person = await getManageablePerson(db, actor, userId);
  if (!person || !canManageUser(actor, person) || person.id === actor.id) notFound();
  const labs = await listLabsForAdmin(db, administrationScope(actor, actor.currentLab?.id ?? null));
  const others = person.labIds.length - labs.filter((l) => person.labIds.includes(l.id)).length;
  // Password, second factor and activation are account-wide: refused (and not offered) when they
  // also belong to a lab the actor does not administer.
  const accountWide = accountWideRefusal(actor, person);
  const roleOf = (labId: string) => person.memberships.find((m) => m.labId === labId)?.role ?? null;
  return (
    <>
      <AdminPageHeader
        title={person.name}
        description={`${person.email}${person.isOperator ? " · operator" : ""}${person.active ? "" : " · inactive"}`}
        back={{ href: "/admin/people", label: "Back to people" }}
      />
      <div className="space-y-8">
        <Section headingId="role-heading" title="Roles and labs" card>
          {others > 0 ? (
            <p className="mb-3 text-sm text-slate-600">
              They also belong to {others} lab(s) you do not administer; those memberships and roles stay as they are.
            </p>
          ) : null}
          <PersonEditForm
            userId={person.id}
            labs={labs.map((l) => ({ id: l.id, name: l.name, role: roleOf(l.id) }))}
            isOperator={isOperator(actor) ? person.isOperator : undefined}
            action={updatePersonAction}
          />
        </Section>
        <Section headingId="access-heading" title="Access" card>
          {accountWide ? (
            <p className="text-sm text-slate-700">
              Password, two-factor sign-in and deactivation: {person.email} is {accountWide}.
            </p>
          ) : (
            <div className="space-y-4">
              <div>
                <p className="mb-2 text-sm text-slate-700">
                  Status: <ActiveBadge active={person.active} /> Deactivating ends their sessions at once.
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
                {person.totpEnabledAt ? (
                  <TwoFactorResetButton userId={person.id} action={resetTwoFactorAction} />
                ) : null}
              </div>
            </div>
          )}
        </Section>
      </div>
    </>
  );
}
