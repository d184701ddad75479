"use client";

import { useEffect, type RefObject } from "react";

/** Is the key press meant for a text field, a select or a button's own keys? Then the shortcuts stay out of it. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * j / ArrowDown and k / ArrowUp move the focus between the rows' links inside `container`
 * (from anywhere on the page but a form field); Enter on a focused link opens it. Once they
 * do, `container` carries data-keys="ready".
 */
export function useRowKeys(container: RefObject<HTMLElement | null>, selector: string): void {
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || isTypingTarget(event.target)) return;
      const down = event.key === "j" || event.key === "ArrowDown";
      const up = event.key === "k" || event.key === "ArrowUp";
      if (!down && !up) return;
      const root = container.current;
      if (!root) return;
      const links = Array.from(root.querySelectorAll<HTMLElement>(selector));
      if (links.length === 0) return;
      const active = document.activeElement;
      const current = links.findIndex((link) => link === active);
      // Arrow keys scroll the page when the focus is not on a row; j and k always move.
      if (current === -1 && (event.key === "ArrowDown" || event.key === "ArrowUp") && !root.contains(active)) return;
      event.preventDefault();
      const next =
        current === -1
          ? down
            ? 0
            : links.length - 1
          : Math.min(links.length - 1, Math.max(0, current + (down ? 1 : -1)));
      links[next]?.focus();
    }
    document.addEventListener("keydown", onKeyDown);
    // Says the keys work now (after hydration): what a test waits for before pressing them.
    container.current?.setAttribute("data-keys", "ready");
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [container, selector]);
}
