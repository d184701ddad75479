/**
 * The system Chromium, as the e2e suite and the benchmarks launch it: Playwright may not
 * download its own browsers, and a headless test browser needs no sandbox, no background
 * traffic and no component updates.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-gpu",
];

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}
