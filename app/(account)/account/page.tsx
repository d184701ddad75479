import type { Metadata } from "next";
import Link from "next/link";
import { NewPasswordForm } from "@/components/auth/new-password-form";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getUserById } from "@/db/queries/users";
import { requireUser } from "@/lib/account/auth";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser({ allowPendingTwoFactor: true });
  const row = await getUserById(await getDb(), user.id);
  return (
    <>
      <PageHeader
        title="Your account"
        description={`${user.name} · ${user.email} · ${user.isOperator ? "operator" : user.labs.map((l) => `${l.role} in ${l.name}`).join(", ") || "no lab"}`}
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <section
          aria-labelledby="password-heading"
          className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          <h2 id="password-heading" className="mb-1 text-lg font-semibold">
            Change your password
          </h2>
          <p className="mb-4 text-sm text-slate-600">Changing it signs you out everywhere, here too.</p>
          <NewPasswordForm askCurrent submitLabel="Change password" action={changePasswordAction} />
        </section>
        <section
          aria-labelledby="two-factor-heading"
          className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        >
          <h2 id="two-factor-heading" className="mb-1 text-lg font-semibold">
            Two-factor sign-in
          </h2>
          <p className="mb-4 text-sm text-slate-700">
            Status: {row?.totpEnabledAt ? <Badge tone="success">On</Badge> : <Badge tone="neutral">Off</Badge>}
          </p>
          {row?.totpEnabledAt ? (
            <p className="text-sm text-slate-600">
              Lost your phone? Sign in with a recovery code, or ask an admin to reset it.
            </p>
          ) : (
            <Link href="/account/two-factor" className="text-sm font-medium text-brand-700 underline">
              Set up two-factor sign-in
            </Link>
          )}
        </section>
      </div>
    </>
  );
}
