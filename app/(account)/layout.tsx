import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth";
import { signOutEverywhereAction, switchLabAction } from "../(portal)/actions";

/** The account pages: open to everyone signed in, including those who still have to enrol a second factor. */
export default async function AccountLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={user} switchLab={switchLabAction} signOutEverywhere={signOutEverywhereAction}>
      {children}
    </AppShell>
  );
}
