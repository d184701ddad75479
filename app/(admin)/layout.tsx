import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireRole } from "@/lib/auth";
import { signOutEverywhereAction, switchLabAction } from "../(portal)/actions";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireRole("admin");
  return (
    <AppShell user={user} switchLab={switchLabAction} signOutEverywhere={signOutEverywhereAction}>
      {children}
    </AppShell>
  );
}
