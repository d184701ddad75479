import type { Metadata } from "next";
import { AdminPageHeader } from "@/components/admin/admin-page-header";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { StatCard } from "@/components/ui/stat-card";
import { Table, TableHead, TBody, Td } from "@/components/ui/table";
import { getDb } from "@/db";
import { getConnectionSnapshot } from "@/db/queries/docus-connection";
import { administrationScope } from "@/lib/admin/rules";
import { requireRole } from "@/lib/account/auth";
import { docusRateLimiterFor } from "@/lib/docus";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Docus connection" };
export const dynamic = "force-dynamic";

function configured(value: string | undefined): string {
  return value ? "set" : "not set";
}

export default async function DocusConnectionPage() {
  const actor = await requireRole(["admin", "operator"]);
  const env = getEnv();
  const db = await getDb();
  const [snapshot, rateUse] = await Promise.all([
    getConnectionSnapshot(db, administrationScope(actor, actor.currentLab?.id ?? null)),
    // One budget per Docus team, shared by every lab of this portal.
    docusRateLimiterFor(db).usage(),
  ]);
  const simulator = env.docusSimulated || !env.DOCUS_API_URL;
  const failures = snapshot.failures24h.credentials + snapshot.failures24h.rejected + snapshot.failures24h.transient;
  return (
    <>
      <AdminPageHeader
        title="Docus connection"
        description={
          actor.role === "operator"
            ? "Sends and deliveries of every lab."
            : "Sends and deliveries of your labs. Secrets are never shown."
        }
      />
      <Section headingId="config-heading" title="Configuration" card className="mb-8">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-slate-700">Talking to</dt>
            <dd>
              {simulator ? (
                <Badge tone="warning">The Docus simulator (no real Docus configured)</Badge>
              ) : (
                <Badge tone="info">Real Docus: {new URL(env.DOCUS_API_URL!).host}</Badge>
              )}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Credentials</dt>
            <dd>
              API key {configured(env.DOCUS_API_KEY)}, team id {configured(env.DOCUS_TEAM_ID)}, auth key{" "}
              {configured(env.DOCUS_AUTH_KEY)}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Delivery authentication</dt>
            <dd>
              Shared secret in <code>{env.DOCUS_DELIVERY_HEADER}</code>: {configured(env.DOCUS_DELIVERY_SECRET)}; signed
              webhooks: {configured(env.DOCUS_WEBHOOK_SECRET)}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Retries and timeout</dt>
            <dd>
              Up to {env.DOCUS_RETRY_MAX_ATTEMPTS} attempts, backoff from {env.DOCUS_RETRY_BASE_MS / 1000} s to{" "}
              {env.DOCUS_RETRY_MAX_MS / 1000} s; each request times out after {env.DOCUS_TIMEOUT_MS / 1000} s
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-700">Rate limit</dt>
            <dd>
              {env.DOCUS_RATE_PER_MINUTE} a minute and {env.DOCUS_RATE_PER_HOUR} an hour, shared by every instance and
              every lab of this portal. In use: {rateUse.usedThisHour} of {env.DOCUS_RATE_PER_HOUR} this hour
              {rateUse.hourResetsInMs > 0
                ? ` (the hour's count restarts in ${Math.ceil(rateUse.hourResetsInMs / 60_000)} min)`
                : ""}
              ;{" "}
              {rateUse.nextFreeInMs > 1000
                ? `the next request may go in ${Math.ceil(rateUse.nextFreeInMs / 1000)} s`
                : "the next request may go now"}
              .
            </dd>
          </div>
        </dl>
      </Section>
      <Section headingId="sends-heading" title="Sending lab results" className="mb-8">
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <StatCard
            label="Last successful send"
            value={snapshot.lastSuccessAt ? formatDateTime(snapshot.lastSuccessAt) : "None yet"}
          />
          <StatCard label="Failures, last 24 h" value={String(failures)} />
          <StatCard label="Waiting in the queue" value={String(snapshot.waiting)} />
          <StatCard
            label="Next send due"
            value={snapshot.nextAttemptAt ? formatDateTime(snapshot.nextAttemptAt) : "Nothing waiting"}
          />
        </dl>
        <div className="mt-4">
          <Table caption="Send failures in the last 24 hours by reason">
            <TableHead columns={["Reason", "Failures (24 h)"]} />
            <TBody>
              <tr>
                <Td>Credentials refused (401/403)</Td>
                <Td>{snapshot.failures24h.credentials}</Td>
              </tr>
              <tr>
                <Td>Rejected by Docus (permanent)</Td>
                <Td>{snapshot.failures24h.rejected}</Td>
              </tr>
              <tr>
                <Td>Transient (timeouts, 429, 5xx; retried)</Td>
                <Td>{snapshot.failures24h.transient}</Td>
              </tr>
            </TBody>
          </Table>
        </div>
      </Section>
      <Section headingId="deliveries-heading" title="Receiving reports">
        <p className="mb-3 text-sm text-slate-700">
          Last delivery received:{" "}
          {snapshot.lastDelivery ? (
            <>
              {formatDateTime(snapshot.lastDelivery.receivedAt)} · {snapshot.lastDelivery.outcome} (HTTP{" "}
              {snapshot.lastDelivery.httpStatus})
              {snapshot.lastDelivery.reason ? ` · ${snapshot.lastDelivery.reason}` : ""}
            </>
          ) : (
            "none yet"
          )}
        </p>
        <Table caption="Refused deliveries in the last 24 hours by reason">
          <TableHead columns={["Reason refused", "Deliveries (24 h)"]} />
          <TBody>
            {snapshot.refused24h.length === 0 ? (
              <tr>
                <Td colSpan={2}>None refused.</Td>
              </tr>
            ) : (
              snapshot.refused24h.map((r) => (
                <tr key={r.reason}>
                  <Td>{r.reason}</Td>
                  <Td>{r.n}</Td>
                </tr>
              ))
            )}
          </TBody>
        </Table>
        <p className="mt-3 text-sm">
          <a href="/api/admin/docus/refused?days=30" className="font-medium text-brand-700 underline">
            Download refused deliveries of the last 30 days (CSV)
          </a>
        </p>
      </Section>
    </>
  );
}
