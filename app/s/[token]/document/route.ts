import type { NextRequest } from "next/server";
import { getDb } from "@/db";
import { pdfResponse } from "@/lib/pdf/response";
import { clientIp } from "@/lib/request";
import { sharedPdf } from "@/lib/share/links";
import { VIEWER_COOKIE } from "@/lib/share/tokens";

/**
 * The PDF of a share link (public: no session). Only for a viewer whose cookie a right PIN
 * made for this very link, while the link is still good; every request is audited. A
 * refusal says nothing of why: the link's page says it in words.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const ip = clientIp((name) => request.headers.get(name));
  const outcome = await sharedPdf(await getDb(), token, request.cookies.get(VIEWER_COOKIE)?.value, ip);
  if (outcome.kind !== "pdf") {
    return new Response("This link cannot show the report now. Open the link again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const download = request.nextUrl.searchParams.get("download") === "1";
  return pdfResponse(outcome.bytes, outcome.fileName, download ? "attachment" : "inline");
}
