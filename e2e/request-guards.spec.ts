import http from "node:http";
import { expect, test } from "@playwright/test";
import { E2E_PASSWORD, E2E_PORT, accounts } from "./fixtures/accounts";

/**
 * The portal's own server in front of Next.js, tried from outside over plain HTTP:
 * - a request without a valid session may carry at most 64 KB of body: a larger one is
 *   answered 413 before its body is read (by its Content-Length, or counted while a
 *   chunked one streams), wherever it is sent;
 * - a tampered next-auth callback-url cookie (or callbackUrl parameter on next-auth's own
 *   routes) is ignored instead of answered with a 500.
 */

const BASE = `http://localhost:${E2E_PORT}`;
const BOUNDARY = "----e2e-boundary-7MA4YWxkTrZu0gW";

/** A well-formed multipart form of about `bytes` bytes: one field and one file. */
function multipart(bytes: number): Buffer {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nnobody@e2e.test\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length - tail.length), 0x61), tail]);
}

type Answer = { status: number; body: string; ms: number };

/**
 * POSTs `body` to `path`: with a Content-Length (`chunked: false`) or chunked. Only the
 * first `sendBytes` of it are sent (the rest never is, unless `sendBytes` covers it all);
 * resolves with the answer, which therefore proves the server did not wait for the rest.
 */
function post(
  path: string,
  body: Buffer,
  { chunked = false, sendBytes = body.length, headers = {} as Record<string, string> } = {},
): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port: E2E_PORT,
      path,
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
        ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) }),
        ...headers,
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer within 20 s"));
    }, 20_000);
    req.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: response.statusCode ?? 0, body: text, ms: Date.now() - started });
      });
    });
    req.on("error", (error) => {
      // The server may close the connection after answering; the answer is what counts.
      if (!req.destroyed) reject(error);
    });
    // In pieces of 16 KB, as a client streaming a file would.
    for (let at = 0; at < sendBytes; at += 16 * 1024) req.write(body.subarray(at, Math.min(sendBytes, at + 16 * 1024)));
    if (sendBytes >= body.length) req.end();
  });
}

test.describe("a body without a session is at most 64 KB", () => {
  const big = multipart(26 * 1024 * 1024);

  test("a 26 MB multipart POST to /sign-in without a session is refused 413 before its body is read", async () => {
    const declared = await post("/sign-in", big, { sendBytes: 256 * 1024 });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain("Sign in first");
    expect(declared.ms).toBeLessThan(5_000);
    // The same to a page that is not a form's, and to an API route.
    for (const path of ["/", "/patients", "/api/patients/search", "/api/auth/../../sign-in"]) {
      expect((await post(path, big, { sendBytes: 64 * 1024 })).status, path).toBe(413);
    }
  });

  test("a chunked body without a session is counted while it streams and refused past 64 KB", async () => {
    const chunked = await post("/sign-in", big, { chunked: true, sendBytes: 256 * 1024 });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain("Sign in first");
    expect(chunked.ms).toBeLessThan(5_000);
    // A forged session cookie does not open the door.
    const forged = await post("/upload", big, {
      sendBytes: 256 * 1024,
      headers: { cookie: "next-auth.session-token=forged.value.here", "next-action": "0".repeat(40) },
    });
    expect(forged.status).toBe(413);
  });

  test("a 30 KB body without a session is not refused by this rule, with a length or chunked", async () => {
    const small = multipart(30 * 1024);
    const withLength = await post("/sign-in", small);
    const chunked = await post("/sign-in", small, { chunked: true });
    for (const answer of [withLength, chunked]) {
      expect(answer.status).not.toBe(413);
      expect(answer.body).not.toContain("Sign in first");
    }
    // Read whole and handed on, the chunked body gets the same answer from Next.js as the other.
    expect(chunked.status).toBe(withLength.status);
    // next-auth's routes are left to themselves: a chunked sign-in signs in.
    const csrf = await fetch(`${BASE}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const form = new URLSearchParams({
      email: accounts.doctor.email,
      password: E2E_PASSWORD,
      csrfToken,
      json: "true",
    }).toString();
    const signIn = await new Promise<{ status: number; cookies: string[] }>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: E2E_PORT,
          path: "/api/auth/callback/credentials",
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "transfer-encoding": "chunked",
            cookie: cookiePairs(csrf.headers.getSetCookie()),
          },
        },
        (response) => {
          response.resume();
          resolve({ status: response.statusCode ?? 0, cookies: response.headers["set-cookie"] ?? [] });
        },
      );
      req.on("error", reject);
      req.write(form.slice(0, 20));
      req.end(form.slice(20));
    });
    expect(signIn.status).toBe(200);
    expect(signIn.cookies.some((c) => c.startsWith("next-auth.session-token="))).toBe(true);
  });
});

/** `name=value` pairs of Set-Cookie lines, as a Cookie header. */
function cookiePairs(setCookies: string[]): string {
  return setCookies.map((line) => line.split(";")[0]).join("; ");
}

/** Signs in (with `extraCookie` sent all along) and returns the session's Cookie header. */
async function signInWith(extraCookie: string): Promise<string> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`, { headers: { cookie: extraCookie } });
  expect(csrf.status).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: `${cookiePairs(csrf.headers.getSetCookie())}; ${extraCookie}`,
    },
    body: new URLSearchParams({
      email: accounts.technician.email,
      password: E2E_PASSWORD,
      csrfToken,
      json: "true",
    }).toString(),
  });
  expect(signIn.status).toBe(200);
  const session = signIn.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  expect(session).toBeDefined();
  return session!.split(";")[0]!;
}

test.describe("a tampered next-auth callback-url cookie is ignored, never a 500", () => {
  const tampered = [
    "%%%not a url",
    "not%20a%20url",
    "not a url",
    "javascript:alert(1)",
    "http://[::1",
    "%E0%A4%A",
    '"/patients"',
    "ftp%3A%2F%2Fexample.org%2F",
  ];

  for (const value of tampered) {
    test(`callback-url cookie ${JSON.stringify(value)}: pages and sign-in answer normally, signed out and in`, async () => {
      const bad = `next-auth.callback-url=${value}`;
      const get = (path: string, cookie: string) =>
        fetch(`${BASE}${path}`, { headers: { cookie }, redirect: "manual" });

      // Signed out: the sign-in page, a redirect to it, next-auth's own routes.
      expect((await get("/sign-in", bad)).status).toBe(200);
      const home = await get("/", bad);
      expect(home.status).toBe(307);
      expect(home.headers.get("location")).toContain("/sign-in");
      expect((await get("/api/auth/session", bad)).status).toBe(200);
      expect((await get("/api/me", bad)).status).toBe(401);

      // Sign-in works with the cookie present, and so do the pages and the API after it.
      const session = await signInWith(bad);
      const both = `${session}; ${bad}`;
      for (const path of ["/", "/lab-results", "/patients", "/account", "/api/me", "/api/auth/session"]) {
        const response = await get(path, both);
        expect(response.status, path).toBe(200);
      }
      // Signed in, the sign-in page sends on to the portal.
      const signInPage = await get("/sign-in", both);
      expect(signInPage.status).toBe(307);
    });
  }

  test("a callbackUrl parameter next-auth would refuse, on its own routes: answered normally, never a 500", async () => {
    for (const value of ["javascript%3Aalert(1)", "%%%", "http%3A%2F%2F%5B%3A%3A1", "data%3Atext%2Fhtml%2Cx"]) {
      for (const query of [`callbackUrl=${value}`, `callbackUrl=%2Fpatients&callbackUrl=${value}`]) {
        for (const path of ["/api/auth/session", "/api/auth/csrf", "/api/auth/providers", "/api/auth/signin"]) {
          const response = await fetch(`${BASE}${path}?${query}`, { redirect: "manual" });
          expect(response.status, `${path}?${query}`).toBeLessThan(500);
        }
      }
    }
    // And a good one still works.
    expect((await fetch(`${BASE}/api/auth/csrf?callbackUrl=%2Fpatients`)).status).toBe(200);
  });

  test("the browser's copy is cleared", async () => {
    const response = await fetch(`${BASE}/sign-in`, { headers: { cookie: "next-auth.callback-url=%%%not a url" } });
    expect(response.status).toBe(200);
    const cleared = response.headers.getSetCookie().find((c) => c.startsWith("next-auth.callback-url="));
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
  });
});
