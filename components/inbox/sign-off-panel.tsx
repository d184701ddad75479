"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { InlineActionForm, type FormAction } from "@/components/admin/inline-action-form";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import type { LabResultFlag } from "@/lib/domain";
import { FlagBadge } from "./flag-badge";
import { isTypingTarget } from "./use-row-keys";

export type SignOffPanelProps = {
  reportId: string;
  version: number;
  flag: LabResultFlag | null;
  /** The viewer is a doctor of the report's lab (only doctors sign off, take, copy and mark). */
  isDoctor: boolean;
  canAssign: boolean;
  userId: string;
  awaitingSignOff: boolean;
  state: "new" | "viewed";
  owner: { id: string; name: string } | null;
  copies: { userId: string; name: string }[];
  doctors: { id: string; name: string }[];
  followUp: { note: string; byName: string | null; atLabel: string } | null;
  signOff: { byName: string | null; atLabel: string; afterDelivery: string; comment: string | null } | null;
  overdueCritical: boolean;
  windowMinutes: number;
  actions: { signOff: FormAction; assign: FormAction; copy: FormAction; followUp: FormAction };
};

const selectClasses =
  "min-h-11 min-w-0 max-w-full flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";
const smallButton = (variant: "primary" | "secondary" | "danger" = "secondary") => buttonClasses(variant, "min-h-11");

/** The report's place in the inbox: its state, sign-off (with `s`), owner, copies and follow-up. */
export function SignOffPanel(props: SignOffPanelProps) {
  const { reportId, version, flag, isDoctor, awaitingSignOff, owner, signOff } = props;
  const [signState, signAction, signing] = useActionState(props.actions.signOff, { status: "idle" });
  const form = useRef<HTMLFormElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const [confirming, setConfirming] = useState(false);
  // The `s` key works once the panel is hydrated: data-keys="ready" says so (tests wait for it).
  const panel = useRef<HTMLElement>(null);
  const critical = flag === "critical";
  const canSign = isDoctor && awaitingSignOff;

  function requestSignOff() {
    if (!form.current || signing) return;
    if (critical) {
      setConfirming(true);
      dialog.current?.showModal();
    } else form.current.requestSubmit();
  }

  useEffect(() => {
    if (!canSign) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "s" || event.altKey || event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return;
      if (dialog.current?.open) return;
      event.preventDefault();
      requestSignOff();
    }
    document.addEventListener("keydown", onKeyDown);
    panel.current?.setAttribute("data-keys", "ready");
    return () => document.removeEventListener("keydown", onKeyDown);
  });

  const stateLabel = signOff
    ? "Signed off"
    : awaitingSignOff
      ? props.state === "new"
        ? "New"
        : "Viewed"
      : "Superseded";
  const colleagues = props.doctors.filter((d) => d.id !== owner?.id && !props.copies.some((c) => c.userId === d.id));

  return (
    <section
      aria-labelledby="sign-off-heading"
      data-testid="sign-off-panel"
      ref={panel}
      className={
        critical && awaitingSignOff
          ? "mb-4 rounded-lg border-2 border-red-600 bg-white p-4"
          : "mb-4 rounded-lg border border-slate-200 bg-white p-4"
      }
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="sign-off-heading" className="text-base font-semibold text-slate-900">
          Sign-off
        </h2>
        <FlagBadge flag={flag} showNone />
        {version > 1 ? <Badge tone="info">Amended · v{version}</Badge> : null}
        <span data-testid="inbox-state">
          <Badge tone={signOff ? "success" : awaitingSignOff ? "info" : "neutral"}>{stateLabel}</Badge>
        </span>
      </div>
      {props.overdueCritical ? (
        <p className="mt-2 text-sm font-semibold text-red-800">
          Critical and not signed off within {props.windowMinutes} minutes: every doctor of the lab and its admins see
          it.
        </p>
      ) : null}

      {signOff ? (
        <p className="mt-2 text-sm text-slate-800" data-testid="sign-off-record">
          Version {version} signed off by {signOff.byName ?? "a former member"} on {signOff.atLabel},{" "}
          {signOff.afterDelivery} after delivery.
          {signOff.comment ? <span className="block text-slate-700">Comment: {signOff.comment}</span> : null}
        </p>
      ) : !awaitingSignOff ? (
        <p className="mt-2 text-sm text-slate-700">
          A newer version of this report replaced this one; sign that one off.
        </p>
      ) : null}

      {canSign ? (
        <form ref={form} action={signAction} className="mt-3 space-y-2">
          <input type="hidden" name="reportId" value={reportId} />
          <label htmlFor="sign-off-comment" className="block text-sm font-medium text-slate-800">
            Comment <span className="font-normal text-slate-600">(optional)</span>
          </label>
          <textarea
            id="sign-off-comment"
            name="comment"
            rows={2}
            maxLength={2000}
            className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          <div className="flex flex-wrap items-center gap-3">
            <button
              type="button"
              className={smallButton(critical ? "danger" : "primary")}
              disabled={signing}
              onClick={requestSignOff}
              aria-keyshortcuts="s"
            >
              Sign off version {version}
            </button>
            <span className="text-xs text-slate-600">
              or press <kbd className="font-mono">s</kbd>
            </span>
          </div>
          <dialog
            ref={dialog}
            aria-labelledby="confirm-sign-off-heading"
            onClose={() => setConfirming(false)}
            className="m-auto max-w-[calc(100vw-2rem)] rounded-lg p-5 shadow-xl backdrop:bg-slate-900/50"
          >
            <h3 id="confirm-sign-off-heading" className="text-base font-semibold text-red-900">
              Sign off this critical result?
            </h3>
            <p className="mt-2 text-sm text-slate-700">
              You confirm that you have read version {version} and acted on the critical result.
            </p>
            <div className="mt-4 flex flex-wrap gap-2">
              <button
                type="button"
                className={smallButton("danger")}
                autoFocus={confirming}
                onClick={() => {
                  dialog.current?.close();
                  form.current?.requestSubmit();
                }}
              >
                Confirm sign-off
              </button>
              <button type="button" className={smallButton()} onClick={() => dialog.current?.close()}>
                Cancel
              </button>
            </div>
          </dialog>
        </form>
      ) : null}
      <p
        role="status"
        className={signState.status === "success" ? "mt-2 text-sm text-emerald-800" : "mt-2 text-sm text-red-700"}
      >
        {signState.message}
      </p>

      <div className="mt-4 grid gap-4 border-t border-slate-200 pt-4 lg:grid-cols-3">
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Owner</h3>
          <p className="mt-1 text-sm text-slate-800" data-testid="report-owner">
            {owner ? (owner.id === props.userId ? `You (${owner.name})` : owner.name) : "Unassigned"}
          </p>
          {props.canAssign && awaitingSignOff ? (
            <>
              {isDoctor && owner?.id !== props.userId ? (
                <InlineActionForm action={props.actions.assign} className="mt-2 flex flex-wrap items-center gap-2">
                  {(_s, pending) => (
                    <>
                      <input type="hidden" name="reportId" value={reportId} />
                      <input type="hidden" name="to" value="me" />
                      <button type="submit" className={smallButton()} disabled={pending}>
                        Take it
                      </button>
                    </>
                  )}
                </InlineActionForm>
              ) : null}
              <InlineActionForm action={props.actions.assign} className="mt-2 flex flex-wrap items-center gap-2">
                {(_s, pending) => (
                  <>
                    <input type="hidden" name="reportId" value={reportId} />
                    <label htmlFor="reassign-to" className="sr-only">
                      Reassign to
                    </label>
                    <select id="reassign-to" name="to" defaultValue="" className={selectClasses}>
                      <option value="" disabled>
                        Reassign to…
                      </option>
                      {props.doctors
                        .filter((d) => d.id !== owner?.id)
                        .map((d) => (
                          <option key={d.id} value={d.id}>
                            {d.name}
                          </option>
                        ))}
                    </select>
                    <button type="submit" className={smallButton()} disabled={pending}>
                      Reassign
                    </button>
                  </>
                )}
              </InlineActionForm>
            </>
          ) : null}
        </div>

        <div>
          <h3 className="text-sm font-semibold text-slate-900">Copied to</h3>
          <p className="mt-1 text-sm text-slate-800" data-testid="report-copies">
            {props.copies.length === 0 ? "Nobody" : props.copies.map((c) => c.name).join(", ")}
          </p>
          {isDoctor && colleagues.length > 0 ? (
            <InlineActionForm action={props.actions.copy} className="mt-2 flex flex-wrap items-center gap-2">
              {(_s, pending) => (
                <>
                  <input type="hidden" name="reportId" value={reportId} />
                  <label htmlFor="copy-to" className="sr-only">
                    Copy to
                  </label>
                  <select id="copy-to" name="userId" defaultValue="" className={selectClasses}>
                    <option value="" disabled>
                      Copy to…
                    </option>
                    {colleagues.map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className={smallButton()} disabled={pending}>
                    Copy
                  </button>
                </>
              )}
            </InlineActionForm>
          ) : null}
        </div>

        <div>
          <h3 className="text-sm font-semibold text-slate-900">Follow-up</h3>
          {props.followUp ? (
            <p className="mt-1 text-sm text-amber-900" data-testid="follow-up-note">
              Needs follow-up: {props.followUp.note}
              <span className="block text-xs text-slate-600">
                {props.followUp.byName ?? "A former member"}, {props.followUp.atLabel}
              </span>
            </p>
          ) : (
            <p className="mt-1 text-sm text-slate-800">Not marked</p>
          )}
          {isDoctor ? (
            <InlineActionForm action={props.actions.followUp} className="mt-2 flex flex-wrap items-center gap-2">
              {(_s, pending) => (
                <>
                  <input type="hidden" name="reportId" value={reportId} />
                  <label htmlFor="follow-up-note" className="sr-only">
                    Follow-up note
                  </label>
                  <input
                    id="follow-up-note"
                    name="note"
                    maxLength={2000}
                    placeholder="What needs following up"
                    className={selectClasses}
                  />
                  <button type="submit" className={smallButton()} disabled={pending}>
                    Mark
                  </button>
                  {props.followUp ? (
                    <button type="submit" name="clear" value="1" className={smallButton()} disabled={pending}>
                      Clear
                    </button>
                  ) : null}
                </>
              )}
            </InlineActionForm>
          ) : null}
        </div>
      </div>
    </section>
  );
}
