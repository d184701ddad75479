import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { mustEnrolTwoFactor } from "@/lib/account/two-factor";

export const ENROL_PATH = "/account/two-factor";

/**
 * Admins, operators and members of labs that require it use two-factor sign-in: until
 * they have enrolled, every page but the enrolment page sends them there.
 */
export async function requireTwoFactorEnrolled(user: { id: string }): Promise<void> {
  if (await mustEnrolTwoFactor(await getDb(), user.id)) redirect(ENROL_PATH);
}
