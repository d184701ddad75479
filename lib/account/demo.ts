import "server-only";
import type { LabRole, UserRole } from "@/db/schema";
import { totpUri } from "@/lib/account/totp";

/**
 * Demo accounts for the embedded default. Their passwords and the demo admin's
 * authenticator secret are public (docs, console), so a production deployment refuses
 * them at sign-in, whatever the account.
 */
export const demoLabs = [
  { name: "Demo Reference Lab", partnerLabId: "demo-lab" },
  { name: "Northside Clinical Lab", partnerLabId: "northside-lab" },
] as const;

export const demoAccounts: ReadonlyArray<{
  email: string;
  password: string;
  name: string;
  /** Their role in each of `labs` ("operator": a platform operator, in no lab). */
  role: UserRole;
  labs: ReadonlyArray<(typeof demoLabs)[number]["name"]>;
  /** Enrolled in two-factor sign-in with DEMO_TOTP_SECRET at seeding (admins must use it). */
  totp?: boolean;
  /** Other labs, each with a role of its own (roles are per lab). */
  members?: ReadonlyArray<{ lab: (typeof demoLabs)[number]["name"]; role: LabRole }>;
}> = [
  {
    email: "admin@demo.lab",
    password: "demo-admin-pass",
    name: "Ada Admin",
    role: "admin",
    labs: ["Demo Reference Lab", "Northside Clinical Lab"],
    totp: true,
  },
  {
    email: "technician@demo.lab",
    password: "demo-technician-pass",
    name: "Theo Technician",
    role: "technician",
    labs: ["Demo Reference Lab"],
    members: [{ lab: "Northside Clinical Lab", role: "doctor" }],
  },
  {
    email: "doctor@demo.lab",
    password: "demo-doctor-pass",
    name: "Dora Doctor",
    role: "doctor",
    labs: ["Demo Reference Lab"],
  },
];

/**
 * The demo admin's authenticator secret (base32), public like the demo passwords: the
 * start prints it, and an otpauth URI, so that a newcomer can add it to an authenticator
 * app (or compute a code) and reach the admin pages without enrolling a phone first.
 */
export const DEMO_TOTP_SECRET = "DEMOADMINLABPORTALTOTPSECRETKEY2";

export function isDemoPassword(password: string): boolean {
  return demoAccounts.some((a) => a.password === password);
}

/**
 * The demo accounts as the start prints them; `withTotp` adds the demo admin's
 * authenticator secret and its otpauth URI (the embedded default only).
 */
export function demoCredentialsText({ withTotp = false }: { withTotp?: boolean } = {}): string {
  const rows = demoAccounts.map(
    (a) =>
      `    ${a.role.padEnd(11)} ${a.email.padEnd(22)} ${a.password}${(a.members ?? []).map((m) => ` (${m.role} in ${m.lab})`).join("")}`,
  );
  const totp = withTotp
    ? demoAccounts
        .filter((a) => a.totp)
        .flatMap((a) => [
          `    Authenticator secret of ${a.email}: ${DEMO_TOTP_SECRET}`,
          `    (add it to an authenticator app, or open: ${totpUri(DEMO_TOTP_SECRET, a.email)})`,
        ])
    : [];
  return ["Demo accounts (embedded default only):", ...rows, ...totp].join("\n");
}
