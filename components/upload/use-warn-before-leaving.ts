"use client";

import { useEffect } from "react";

/** While uploads are running, the browser asks before the page is closed or left. */
export function useWarnBeforeLeaving(busy: boolean) {
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [busy]);
}
