import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { CurrentUser } from "@/lib/account/auth";
import type { ActionResult } from "@/lib/errors";
import { LabSwitcher } from "./lab-switcher";
import { navItemsFor } from "./nav-items";
import { NavLinks } from "./nav-links";
import { ReportNotifications } from "./report-notifications";
import { ShellMenu } from "./shell-menu";
import { SignOutButton } from "./sign-out-button";
import { BrandMark } from "./brand-mark";
import { QueryProvider } from "@/components/providers/query-provider";

const roleLabels = {
  operator: "Platform operator",
  admin: "Administrator",
  technician: "Lab technician",
  doctor: "Doctor",
} as const;

export type AppShellProps = {
  user: CurrentUser;
  switchLab: (state: ActionResult, formData: FormData) => Promise<ActionResult>;
  /** Ends every session of the user, on every device. */
  signOutEverywhere: () => Promise<void>;
  children: ReactNode;
  /**
   * The user must still enrol a second factor: only the account pages are open to them,
   * so the header leaves out what would be refused (lab switch, report notices, sign out
   * everywhere) and the navigation.
   */
  pendingTwoFactor?: boolean;
};

/** The signed-in frame of every portal page: header, lab, user, navigation. */
export function AppShell({ user, switchLab, signOutEverywhere, children, pendingTwoFactor = false }: AppShellProps) {
  const items = pendingTwoFactor ? [] : navItemsFor(user.role).map(({ href, label }) => ({ href, label }));
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-3 px-4 py-3">
          <div className="flex items-center gap-3">
            <BrandMark size="small" />
            <span className="text-lg font-semibold text-slate-900">Lab Results Portal</span>
          </div>
          <ShellMenu>
            {items.length > 0 ? (
              <nav aria-label="Main" className="lg:hidden">
                <NavLinks items={items} />
              </nav>
            ) : null}
            <div className="flex flex-col gap-3 lg:flex-row lg:flex-wrap lg:items-center lg:gap-4">
              {user.labs.length > 1 && user.currentLab && !pendingTwoFactor ? (
                <LabSwitcher labs={user.labs} currentLabId={user.currentLab.id} action={switchLab} />
              ) : (
                <p className="text-sm text-slate-600">
                  Lab: <span className="font-medium text-slate-900">{user.currentLab?.name ?? "none"}</span>
                </p>
              )}
              <div className="text-sm leading-tight lg:text-right">
                <p className="font-medium text-slate-900">{user.name}</p>
                <p className="text-slate-600">
                  <span className="break-all">{user.email}</span> ·{" "}
                  <Badge tone="info">{user.role ? roleLabels[user.role] : "No role"}</Badge>
                </p>
              </div>
              <div className="flex flex-wrap items-center gap-2 lg:gap-4">
                {user.currentLab && !pendingTwoFactor ? (
                  <QueryProvider>
                    <ReportNotifications />
                  </QueryProvider>
                ) : null}
                <SignOutButton />
                {pendingTwoFactor ? null : (
                  <form action={signOutEverywhere}>
                    <Button type="submit" variant="ghost" className="px-2">
                      Sign out everywhere
                    </Button>
                  </form>
                )}
              </div>
            </div>
          </ShellMenu>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 lg:flex-row">
        {/* From the lg breakpoint up the navigation is a column beside the page; below it,
            the same links are in the header's menu. */}
        {items.length > 0 ? (
          <nav aria-label="Main" className="hidden lg:block lg:w-48 lg:shrink-0">
            <NavLinks items={items} />
          </nav>
        ) : pendingTwoFactor ? (
          // A session that must still enrol a second factor has no pages to go to yet: its
          // navigation says why, at every width.
          <nav aria-label="Main" className="lg:w-48 lg:shrink-0">
            <p className="text-sm text-slate-700">Set up two-factor sign-in to open the portal.</p>
          </nav>
        ) : null}
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
