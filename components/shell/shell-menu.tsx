"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export type ShellMenuProps = {
  /**
   * What the menu holds: below the `lg` breakpoint a panel under the header, opened by the
   * menu button; from `lg` up always shown, as the header's row.
   */
  children: ReactNode;
};

/**
 * The header's menu on small screens, a disclosure: the button says whether the panel is
 * open (aria-expanded) and which it is (aria-controls); Escape closes it and gives the focus
 * back to the button; following a link in it, or any change of page, closes it.
 */
export function ShellMenu({ children }: ShellMenuProps) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();

  // A new page (a link, a redirect, the browser's back button): the menu closes. Adjusted
  // during render, as React recommends for state that follows a prop.
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);

  // A link to the page already shown (or one that only changes its query) changes no path.
  const closeOnLink = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target instanceof Element && event.target.closest("a[href]")) setOpen(false);
  };

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((current) => !current)}
        className="inline-flex min-h-11 min-w-11 items-center justify-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm font-medium text-slate-800 hover:bg-slate-50 lg:hidden"
      >
        <svg
          aria-hidden="true"
          viewBox="0 0 20 20"
          className="h-5 w-5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.75"
        >
          {open ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 5h14M3 10h14M3 15h14" />}
        </svg>
        Menu
      </button>
      {/* A click on a link inside closes the menu; the keyboard's Enter on a link is a click too. */}
      <div
        id={panelId}
        onClick={closeOnLink}
        className={cn(
          "w-full flex-col gap-4 border-t border-slate-200 pt-3 lg:flex lg:w-auto lg:flex-row lg:items-center lg:border-0 lg:pt-0",
          open ? "flex" : "hidden",
        )}
      >
        {children}
      </div>
    </>
  );
}
