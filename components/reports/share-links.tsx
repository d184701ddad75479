"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { controlClasses } from "@/components/ui/form-field";
import { InlineActionForm, type FormAction } from "@/components/admin/inline-action-form";
import type { ActionResult } from "@/lib/errors";

/**
 * A report version's share links, on its page: a form that makes one (the link and its
 * PIN are shown once), and the links made so far, each with its state, every access to it,
 * and a button that revokes it.
 */

export type ShareLinkItem = {
  id: string;
  audience: "physician" | "patient";
  recipient: string | null;
  singleUse: boolean;
  createdAt: string;
  createdByName: string | null;
  expiresAt: string;
  /** In words: Active, Revoked, Expired, Locked, Used. */
  state: string;
  accesses: Array<{ at: string; what: string; ip: string | null }>;
};

export type CreateShareState = ActionResult<"audience" | "recipient" | "days"> & {
  created?: { url: string; pin: string; expiresAt: string };
};

type Props = {
  reportId: string;
  links: ShareLinkItem[];
  allowPhysicians: boolean;
  allowPatients: boolean;
  createAction: (state: CreateShareState, formData: FormData) => Promise<CreateShareState>;
  revokeAction: FormAction;
};

const when = (iso: string) =>
  new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) +
  " UTC";

function CreatedLink({ url, pin, expiresAt }: { url: string; pin: string; expiresAt: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div data-testid="share-created" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-medium text-slate-900">
        Copy the link and the PIN now: they are not shown again. Send the PIN another way than the link (for example by
        phone).
      </p>
      <label htmlFor="share-url" className="mt-2 block font-medium text-slate-900">
        Link
      </label>
      <div className="mt-1 flex flex-wrap gap-2">
        <input
          id="share-url"
          readOnly
          value={url}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          variant="secondary"
          className="px-2 py-1"
          onClick={async () => {
            await navigator.clipboard?.writeText(url).catch(() => undefined);
            setCopied(true);
          }}
        >
          Copy link
        </Button>
      </div>
      <p className="mt-2 text-slate-900">
        PIN:{" "}
        <strong data-testid="share-pin" className="font-mono text-lg tracking-widest">
          {pin}
        </strong>
      </p>
      <p className="mt-1 text-slate-700">Works until {when(expiresAt)}.</p>
      <p aria-live="polite" className="mt-1 text-xs text-slate-700">
        {copied ? "Link copied." : null}
      </p>
    </div>
  );
}

export function ShareLinks({ reportId, links, allowPhysicians, allowPatients, createAction, revokeAction }: Props) {
  const [state, formAction, pending] = useActionState(createAction, { status: "idle" });
  const errors = state.fieldErrors ?? {};
  const anyAllowed = allowPhysicians || allowPatients;
  return (
    <section
      aria-labelledby="share-links-heading"
      className="mb-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="share-links-heading" className="mb-2 text-lg font-semibold">
        Share links
      </h2>
      {anyAllowed ? (
        <form action={formAction} className="grid gap-3 sm:grid-cols-4 sm:items-end">
          <input type="hidden" name="reportId" value={reportId} />
          <div>
            <label htmlFor="share-audience" className="block text-sm font-medium text-slate-800">
              For
            </label>
            <select
              id="share-audience"
              name="audience"
              defaultValue={allowPhysicians ? "physician" : "patient"}
              className={controlClasses(Boolean(errors.audience))}
            >
              {allowPhysicians ? <option value="physician">An outside physician</option> : null}
              {allowPatients ? <option value="patient">The patient</option> : null}
            </select>
          </div>
          <div>
            <label htmlFor="share-recipient" className="block text-sm font-medium text-slate-800">
              Recipient <span className="font-normal text-slate-600">(optional)</span>
            </label>
            <input
              id="share-recipient"
              name="recipient"
              maxLength={120}
              aria-invalid={errors.recipient ? true : undefined}
              aria-describedby={errors.recipient ? "share-recipient-error" : undefined}
              className={controlClasses(Boolean(errors.recipient))}
            />
            {errors.recipient ? (
              <p id="share-recipient-error" className="mt-1 text-xs text-red-700">
                {errors.recipient[0]}
              </p>
            ) : null}
          </div>
          <div>
            <label htmlFor="share-days" className="block text-sm font-medium text-slate-800">
              Valid for (days, 1–30)
            </label>
            <input
              id="share-days"
              name="days"
              type="number"
              min={1}
              max={30}
              defaultValue={14}
              aria-invalid={errors.days ? true : undefined}
              aria-describedby={errors.days ? "share-days-error" : undefined}
              className={controlClasses(Boolean(errors.days))}
            />
            {errors.days ? (
              <p id="share-days-error" className="mt-1 text-xs text-red-700">
                {errors.days[0]}
              </p>
            ) : null}
          </div>
          <div className="flex flex-col gap-2">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" name="singleUse" className="h-4 w-4" /> Opens once only
            </label>
            <Button type="submit" disabled={pending}>
              {pending ? "Making the link…" : "Make a share link"}
            </Button>
          </div>
        </form>
      ) : (
        <p className="text-sm text-slate-700">Your lab does not allow share links.</p>
      )}
      <p aria-live="polite" className={state.status === "success" ? "sr-only" : "mt-2 text-sm text-red-700"}>
        {state.message}
      </p>
      {state.created ? <CreatedLink {...state.created} /> : null}

      {links.length > 0 ? (
        <ul className="mt-4 space-y-3" aria-label="Links made for this report">
          {links.map((link) => (
            <li key={link.id} data-testid="share-link-row" className="rounded-md border border-slate-200 p-3 text-sm">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p>
                  <strong>{link.audience === "physician" ? "Outside physician" : "Patient"}</strong>
                  {link.recipient ? ` — ${link.recipient}` : ""}
                  {link.singleUse ? " · opens once" : ""} · <span data-testid="share-link-state">{link.state}</span> ·
                  until {when(link.expiresAt)}
                </p>
                {link.state === "Active" ? (
                  <InlineActionForm action={revokeAction}>
                    {(_s, busy) => (
                      <>
                        <input type="hidden" name="linkId" value={link.id} />
                        <input type="hidden" name="reportId" value={reportId} />
                        <Button type="submit" variant="danger" className="px-2 py-1" disabled={busy}>
                          Revoke
                        </Button>
                      </>
                    )}
                  </InlineActionForm>
                ) : null}
              </div>
              <p className="text-xs text-slate-600">
                Made {when(link.createdAt)}
                {link.createdByName ? ` by ${link.createdByName}` : ""}
              </p>
              {link.accesses.length > 0 ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-700">
                    {link.accesses.length} access{link.accesses.length === 1 ? "" : "es"}
                  </summary>
                  <ul className="mt-1 space-y-0.5 text-xs text-slate-700">
                    {link.accesses.map((a, i) => (
                      <li key={i}>
                        {when(a.at)} — {a.what}
                        {a.ip ? ` (from ${a.ip})` : ""}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : (
                <p className="text-xs text-slate-600">Not opened yet.</p>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
