import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireUser } from "@/lib/auth";
import { switchLabAction } from "./actions";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <AppShell user={user} switchLab={switchLabAction}>
      {children}
    </AppShell>
  );
}
