/**
 * The client's address. `next start` puts the socket address in X-Forwarded-For when
 * the request has none; behind a reverse proxy that appends the address it saw, the
 * right-most entry is the one our own proxy vouches for.
 */
export function clientIp(getHeader: (name: string) => string | null | undefined): string {
  const forwarded = getHeader("x-forwarded-for");
  const last = forwarded
    ?.split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .at(-1);
  return last || getHeader("x-real-ip")?.trim() || "unknown";
}

export function clientIpFromRecord(headers: Record<string, string | string[] | undefined> | undefined): string {
  return clientIp((name) => {
    const value = headers?.[name];
    return Array.isArray(value) ? value.join(",") : value;
  });
}
