import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/account/auth";
import { signOutEverywhereAction, switchLabAction } from "./actions";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  // requireUser also sends a user who must still enrol a second factor to enrol.
  const user = await requireUser();
  return (
    <AppShell user={user} switchLab={switchLabAction} signOutEverywhere={signOutEverywhereAction}>
      {children}
    </AppShell>
  );
}
