import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { getCurrentUser, requireUser } from "@/lib/account/auth";
import { signOutEverywhereAction, switchLabAction } from "../(portal)/actions";

/** The account pages: open to everyone signed in, including those who still have to enrol a second factor. */
export default async function AccountLayout({ children }: { children: ReactNode }) {
  const user = await requireUser({ allowPendingTwoFactor: true });
  // Without the exception the gate turns such a user away: only these pages are theirs.
  const pendingTwoFactor = (await getCurrentUser()) === null;
  return (
    <AppShell
      user={user}
      switchLab={switchLabAction}
      signOutEverywhere={signOutEverywhereAction}
      pendingTwoFactor={pendingTwoFactor}
    >
      {children}
    </AppShell>
  );
}
