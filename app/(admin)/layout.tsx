import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requireTwoFactorEnrolled } from "@/lib/account/gate";
import { requireRole } from "@/lib/auth";
import { switchLabAction } from "../(portal)/actions";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireRole(["admin", "operator"]);
  await requireTwoFactorEnrolled(user);
  return (
    <AppShell user={user} switchLab={switchLabAction}>
      {children}
    </AppShell>
  );
}
