import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { listLabIdsForUser } from "@/db/queries/labs";
import { findUserByEmail, recordSignIn, revokeSession } from "@/db/queries/users";
import { checkSecondStep } from "@/lib/account/two-factor";
import { recordAuditForLabs } from "@/lib/audit";
import { isDemoPassword } from "@/lib/account/demo";
import { getAuthSecret, getEnv } from "@/lib/env";
import { timingDummyHash, verifyPassword } from "@/lib/account/password-hash";
import { forgiveSignIn } from "@/lib/account/sign-in-rate-limit";
import { clientIpFromRecord, sameOriginPath } from "@/lib/request";
import { signInSchema } from "@/lib/account/sign-in-schema";

export const SIGN_IN_PATH = "/sign-in";

export function sessionCookieIsSecure(): boolean {
  return getEnv().NEXTAUTH_URL.startsWith("https://");
}

const sessionUserSchema = z.object({ id: z.string() });

/** next-auth's configuration, built from the validated environment. */
export function authOptions(): NextAuthOptions {
  const env = getEnv();
  // next-auth builds its own URLs from this variable; give it the resolved value.
  process.env.NEXTAUTH_URL ??= env.NEXTAUTH_URL;
  const idleSeconds = env.SESSION_IDLE_MINUTES * 60;
  return {
    secret: getAuthSecret(),
    useSecureCookies: sessionCookieIsSecure(),
    session: { strategy: "jwt", maxAge: idleSeconds, updateAge: 0 },
    jwt: { maxAge: idleSeconds },
    pages: { signIn: SIGN_IN_PATH, error: SIGN_IN_PATH },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          code: { label: "Authentication code", type: "text" },
        },
        async authorize(credentials, req) {
          const parsed = signInSchema.safeParse(credentials);
          if (!parsed.success) return null;
          const { email, password } = parsed.data;
          const ip = clientIpFromRecord(req.headers);
          const db = await getDb();
          const user = await findUserByEmail(db, email);
          // Verify even for an unknown email, so that both cases take the same time.
          const ok = await verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password);
          const demoRefused =
            env.productionDeployment && user !== undefined && (user.isDemo || isDemoPassword(password));
          const passwordOk = ok && user !== undefined && user.active && !demoRefused;
          const event = {
            action: "auth.sign_in",
            userId: user?.id ?? null,
            ip,
            userAgent: typeof req.headers?.["user-agent"] === "string" ? req.headers["user-agent"].slice(0, 300) : null,
          };
          // One event per lab of the account, so that each lab's trail and export has it.
          const labIds = user ? await listLabIdsForUser(db, user.id) : [];
          if (!passwordOk || !user) {
            const reason = !user
              ? "unknown_email"
              : !ok
                ? "wrong_password"
                : !user.active
                  ? "inactive"
                  : "demo_account_in_production";
            await recordAuditForLabs(db, { ...event, outcome: "denied", details: { reason } }, labIds);
            return null;
          }
          // The second step (a TOTP or recovery code) has its own limit and audits its own failures
          // (auth.two_factor); its outcome names what is missing. Only a passed second step signs
          // in: until then the throttle keeps this attempt's point and no event says "allowed".
          const secondStep = await checkSecondStep(db, user, credentials?.code);
          if (secondStep !== "ok") throw new Error(secondStep);
          await forgiveSignIn(db, email, ip);
          await recordAuditForLabs(db, { ...event, outcome: "allowed", details: null }, labIds);
          const sessionId = await recordSignIn(db, user.id);
          return {
            id: user.id,
            email: user.email,
            name: user.name,
            sessionVersion: user.sessionVersion,
            sessionId,
          };
        },
      }),
    ],
    callbacks: {
      redirect({ url, baseUrl }) {
        return new URL(sameOriginPath(url, baseUrl), baseUrl).toString();
      },
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.email = user.email;
          token.name = user.name;
          token.sv = user.sessionVersion;
          token.authTime = Math.floor(Date.now() / 1000);
          token.sid = user.sessionId;
        }
        return token;
      },
      session({ session, token }) {
        const parsed = sessionUserSchema.safeParse({ id: token.sub });
        if (parsed.success) {
          session.user = {
            id: parsed.data.id,
            email: token.email ?? "",
            name: token.name ?? "",
          };
        }
        session.authTime = token.authTime ?? 0;
        session.sessionVersion = token.sv ?? 0;
        session.sessionId = token.sid ?? "";
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (!token?.sub) return;
        const db = await getDb();
        // The server forgets the session: a copy of the cookie is refused from now on.
        if (token.sid) await revokeSession(db, token.sub, token.sid);
        await recordAuditForLabs(
          db,
          { action: "auth.sign_out", outcome: "allowed", userId: token.sub },
          await listLabIdsForUser(db, token.sub),
        );
      },
    },
    logger: {
      // next-auth's default logger prints whole objects; keep credentials and tokens out of logs.
      error(code) {
        console.error(`[auth] ${code}`);
      },
      warn(code) {
        console.warn(`[auth] ${code}`);
      },
      debug() {},
    },
  };
}
