import "server-only";
import type { Db } from "@/db";
import { createLab, findLabByNameOrPartnerId } from "@/db/queries/labs";
import { enableTwoFactor, storePendingSecret } from "@/db/queries/two-factor";
import { countUsers, createUser, findUserByEmail } from "@/db/queries/users";
import { DEMO_TOTP_SECRET, demoAccounts, demoLabs } from "@/lib/account/demo";
import { hashPassword } from "@/lib/account/password-hash";
import { configuredTotpKeyring, encryptTotpSecret } from "@/lib/account/totp-secret";
import { recordChange } from "@/lib/audit-change";

export type DemoSeedResult = { accounts: boolean; labResults: number };

/**
 * Seeds the demo labs and accounts into an empty database (the demo admin enrolled in
 * two-factor sign-in with DEMO_TOTP_SECRET), then the demo data (lib/demo/data.ts) that
 * is not there yet. Idempotent: a database with users gets no accounts, and the data is
 * added per lab result only when missing, and only when the demo labs and the demo
 * accounts that upload it exist.
 */
export async function seedDemo(db: Db): Promise<DemoSeedResult> {
  const accounts = await seedDemoAccounts(db);
  return { accounts, labResults: await seedDemoLabResults(db) };
}

async function seedDemoAccounts(db: Db): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  const labIds = new Map<string, string>();
  for (const lab of demoLabs) {
    const created = await createLab(db, lab);
    labIds.set(lab.name, created.id);
  }
  for (const account of demoAccounts) {
    const user = await createUser(db, {
      email: account.email,
      name: account.name,
      role: account.role,
      passwordHash: await hashPassword(account.password),
      labIds: account.labs.map((name) => labIds.get(name)).filter((id): id is string => id !== undefined),
      memberships: (account.members ?? []).flatMap((m) => {
        const labId = labIds.get(m.lab);
        return labId ? [{ labId, role: m.role }] : [];
      }),
      isDemo: true,
    });
    if (account.totp) await enrolDemoTotp(db, user.id, [...labIds.values()]);
  }
  return true;
}

/** Enrols a demo account with DEMO_TOTP_SECRET, as a confirmed enrolment does (stored encrypted, audited); no recovery codes. */
async function enrolDemoTotp(db: Db, userId: string, labIds: string[]): Promise<void> {
  if (!(await storePendingSecret(db, userId, encryptTotpSecret(DEMO_TOTP_SECRET, userId, configuredTotpKeyring()))))
    return;
  await db.transaction(async (tx) => {
    // Time step 0: any current code is newer, so the first sign-in's code is accepted.
    if (!(await enableTwoFactor(tx, userId, 0, []))) return;
    await recordChange(tx, {
      action: "user.two_factor_enable",
      actorId: userId,
      labIds,
      details: { targetUserId: userId, before: { twoFactor: false }, after: { twoFactor: true, recoveryCodes: 0 } },
    });
  });
}

async function seedDemoLabResults(db: Db): Promise<number> {
  const demoLab = await findLabByNameOrPartnerId(db, "demo-lab");
  const northside = await findLabByNameOrPartnerId(db, "northside-lab");
  const technician = await findUserByEmail(db, "technician@demo.lab");
  const admin = await findUserByEmail(db, "admin@demo.lab");
  // Only into the demo's own labs, uploaded by its own accounts.
  if (!demoLab || !northside || !technician?.isDemo || !admin?.isDemo) return 0;
  // pdf-lib and the data are needed only here: loaded when seeding, never by a request.
  const { seedDemoData } = await import("./data");
  return seedDemoData(db, {
    "Demo Reference Lab": { userId: technician.id, labId: demoLab.id, partnerLabId: demoLab.partnerLabId ?? "" },
    "Northside Clinical Lab": { userId: admin.id, labId: northside.id, partnerLabId: northside.partnerLabId ?? "" },
  });
}
