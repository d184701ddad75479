import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireRole } from "@/lib/account/auth";
import { signOutEverywhereAction, switchLabAction } from "../(portal)/actions";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  // Operators open the report triage; each admin page also authorizes on its own.
  const user = await requireRole(["admin", "operator"]);
  return (
    <AppShell user={user} switchLab={switchLabAction} signOutEverywhere={signOutEverywhereAction}>
      {children}
    </AppShell>
  );
}
