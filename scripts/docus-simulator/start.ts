import { createDocusSimulator } from "./simulator.ts";
import type { Env } from "../../lib/env.ts";

/**
 * Starts the simulated Docus on DOCUS_SIM_PORT, delivering reports to
 * DOCUS_SIM_DELIVERY_URL (by default this portal's /api/docus/reports), and accepting
 * the same DOCUS_API_KEY, DOCUS_TEAM_ID and DOCUS_AUTH_KEY that the portal sends.
 * Throws an Error with a message for a person when it cannot start.
 */
export async function startDocusSimulator(env: Env): Promise<{ close: () => Promise<void> }> {
  const { DOCUS_API_KEY: apiKey, DOCUS_TEAM_ID: teamId, DOCUS_AUTH_KEY: authKey } = env;
  if (!apiKey || !teamId || !authKey) {
    const missing = [
      ["DOCUS_API_KEY", apiKey],
      ["DOCUS_TEAM_ID", teamId],
      ["DOCUS_AUTH_KEY", authKey],
    ]
      .filter(([, value]) => !value)
      .map(([name]) => name);
    throw new Error(
      `The Docus simulator needs the credentials the portal will send. Set ${missing.join(", ")} (any values, the same ones the portal uses).`,
    );
  }
  const deliveryUrl = env.DOCUS_SIM_DELIVERY_URL ?? `http://localhost:${env.PORT}/api/docus/reports`;
  // The delivery URL without any user:password part, for printing.
  const parsedDeliveryUrl = new URL(deliveryUrl);
  const shownDeliveryUrl = `${parsedDeliveryUrl.origin}${parsedDeliveryUrl.pathname}`;
  if (!env.DOCUS_DELIVERY_SECRET && !env.DOCUS_WEBHOOK_SECRET) {
    console.warn(
      "Neither DOCUS_DELIVERY_SECRET nor DOCUS_WEBHOOK_SECRET is set: reports are delivered without authentication, and the portal will refuse them.",
    );
  }
  const simulator = createDocusSimulator({
    apiKey,
    teamId,
    authKey,
    deliveryUrl,
    delayMs: env.DOCUS_SIM_DELAY_MS,
    deliveryHeader: env.DOCUS_DELIVERY_HEADER,
    deliverySecret: env.DOCUS_DELIVERY_SECRET,
    webhookSecret: env.DOCUS_WEBHOOK_SECRET,
    log: (line) => console.log(`[docus-simulator] ${line}`),
  });
  try {
    const port = await simulator.listen(env.DOCUS_SIM_PORT);
    console.log(`Docus simulator listening on http://127.0.0.1:${port}`);
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    throw new Error(
      code === "EADDRINUSE"
        ? `Port ${env.DOCUS_SIM_PORT} is already in use. Set DOCUS_SIM_PORT to a free port.`
        : `The Docus simulator could not start${code ? ` (${code})` : ""}.`,
      { cause: error },
    );
  }
  const auth = [
    env.DOCUS_DELIVERY_SECRET ? `shared secret in the ${env.DOCUS_DELIVERY_HEADER} header` : null,
    env.DOCUS_WEBHOOK_SECRET ? "Standard Webhooks signatures" : null,
  ].filter(Boolean);
  console.log(
    `Reports are delivered to ${shownDeliveryUrl} after ${env.DOCUS_SIM_DELAY_MS} ms${auth.length > 0 ? `, with ${auth.join(" and ")}` : ""}.`,
  );
  return { close: () => simulator.close() };
}
