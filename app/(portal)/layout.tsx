import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireTwoFactorEnrolled } from "@/lib/account/gate";
import { requireUser } from "@/lib/auth";
import { signOutEverywhereAction, switchLabAction } from "./actions";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  await requireTwoFactorEnrolled(user);
  return (
    <AppShell user={user} switchLab={switchLabAction} signOutEverywhere={signOutEverywhereAction}>
      {children}
    </AppShell>
  );
}
