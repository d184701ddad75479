import type { UserRole } from "@/db/schema";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: UserRole };
    /** Seconds since the epoch when the user signed in (for the absolute lifetime). */
    authTime: number;
    sessionVersion: number;
    /** The server-side session (user_sessions) this cookie belongs to. */
    sessionId: string;
  }
  interface User {
    id: string;
    email: string;
    name: string;
    role: UserRole;
    sessionVersion: number;
    sessionId: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: UserRole;
    name?: string;
    email?: string;
    sv?: number;
    authTime?: number;
    sid?: string;
  }
}
