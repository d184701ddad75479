import type { Metadata } from "next";
import { TwoFactorEnrolment } from "@/components/account/two-factor-enrolment";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getUserById } from "@/db/queries/users";
import { twoFactorRequired } from "@/lib/account/two-factor";
import { requireUser } from "@/lib/account/auth";
import { beginEnrolmentAction, confirmEnrolmentAction } from "../actions";

export const metadata: Metadata = { title: "Two-factor sign-in" };

export default async function TwoFactorPage() {
  const user = await requireUser({ allowPendingTwoFactor: true });
  const db = await getDb();
  const row = await getUserById(db, user.id);
  const required = row ? await twoFactorRequired(db, row) : false;
  return (
    <>
      <PageHeader
        title="Two-factor sign-in"
        description={
          required
            ? "Your role or your lab requires a second step at sign-in: a code from an authenticator app. Set it up to continue."
            : "Add a second step at sign-in: a code from an authenticator app."
        }
      />
      <div className="max-w-3xl rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        {row?.totpEnabledAt ? (
          <p className="text-sm text-slate-700">
            Two-factor sign-in is on. If you lose your phone, use a recovery code, or ask an admin to reset it.
          </p>
        ) : (
          <TwoFactorEnrolment
            begin={beginEnrolmentAction}
            confirm={confirmEnrolmentAction}
            continueHref={user.role === "operator" ? "/admin" : "/"}
          />
        )}
      </div>
    </>
  );
}
