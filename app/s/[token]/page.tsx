import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { PdfViewer } from "@/components/reports/pdf-viewer";
import { SharePinForm } from "@/components/reports/share-pin-form";
import { getDb } from "@/db";
import { formatDateTime } from "@/lib/format";
import { clientIp } from "@/lib/request";
import { openShareLink } from "@/lib/share/links";
import { VIEWER_COOKIE, shareStateMessages, sharePath } from "@/lib/share/tokens";

/**
 * A shared report: public (no session; the link's token and PIN are the authority). It
 * shows the one PDF and nothing else of the portal. Opening it (a GET, a link preview)
 * never spends a single-use link: only the right PIN does. Headers: no-store, no Referer,
 * noindex (proxy.ts and next.config.ts).
 */

export const metadata: Metadata = {
  title: "Shared report",
  referrer: "no-referrer",
  robots: { index: false, follow: false, nocache: true },
};

type Search = { pin?: string; left?: string; wait?: string };

export default async function SharedReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<Search>;
}) {
  const { token } = await params;
  const search = await searchParams;
  const requestHeaders = await headers();
  const ip = clientIp((name) => requestHeaders.get(name));
  const cookie = (await cookies()).get(VIEWER_COOKIE)?.value;
  const view = await openShareLink(await getDb(), token, cookie, ip);

  return (
    <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6">
      <h1 className="mb-4 text-2xl font-semibold text-slate-900">Shared report</h1>
      {view.kind === "unknown" || view.kind === "closed" ? (
        <div className="max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <p role="alert" data-testid="share-message" className="text-slate-800">
            {shareStateMessages[view.kind === "unknown" ? "unknown" : view.state]}
          </p>
        </div>
      ) : view.kind === "pin" ? (
        <div className="max-w-lg rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <p className="mb-4 text-slate-800">
            Enter the 6-digit PIN you were given with this link. The person who sent you the link will have told you the
            PIN separately, for example by phone or text message.
          </p>
          <SharePinForm
            action={`${sharePath(token)}/pin`}
            error={
              search.wait
                ? "Too many attempts from your connection. Wait a few minutes, then try again."
                : search.pin === "wrong"
                  ? `That PIN is not right. ${
                      Number(search.left) === 1
                        ? "One more wrong PIN will lock this link."
                        : `${Number(search.left) || "A few"} attempts are left before this link is locked.`
                    }`
                  : search.pin === "invalid"
                    ? "Enter the 6 digits of the PIN."
                    : null
            }
          />
        </div>
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-700">
            This link works until {formatDateTime(view.expiresAt)}. Do not forward it: it was made for you.
          </p>
          <PdfViewer src={`${sharePath(token)}/document`} title="Report" />
        </>
      )}
    </main>
  );
}
