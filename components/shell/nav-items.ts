import type { UserRole } from "@/lib/domain";

export type NavItem = { href: string; label: string; roles: readonly UserRole[] };

/** The portal's navigation; each entry names the roles that may open it. */
export const navItems: readonly NavItem[] = [
  { href: "/", label: "Dashboard", roles: ["admin", "technician", "doctor"] },
  { href: "/inbox", label: "Inbox", roles: ["admin", "doctor"] },
  { href: "/upload", label: "Upload", roles: ["admin", "technician"] },
  { href: "/lab-results", label: "Lab results", roles: ["admin", "technician", "doctor"] },
  { href: "/patients", label: "Patients", roles: ["admin", "technician", "doctor"] },
  { href: "/analytics", label: "Analytics", roles: ["admin", "doctor"] },
  { href: "/admin", label: "Admin", roles: ["admin", "operator"] },
  { href: "/admin/deliveries", label: "Report triage", roles: ["operator"] },
  { href: "/account", label: "Account", roles: ["operator", "admin", "technician", "doctor"] },
];

/** The entries for a session's role (its role in the current lab, or operator); no role: the account only. */
export function navItemsFor(role: UserRole | null): NavItem[] {
  if (role === null) return navItems.filter((item) => item.href === "/account");
  return navItems.filter((item) => item.roles.includes(role));
}
