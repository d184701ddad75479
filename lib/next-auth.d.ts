// The session carries no role: roles are per lab and re-read from the database on every request (lib/account/auth).
export {};
declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
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
    sessionVersion: number;
    sessionId: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    name?: string;
    email?: string;
    sv?: number;
    authTime?: number;
    sid?: string;
  }
}
