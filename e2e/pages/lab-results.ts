import type { Page } from "@playwright/test";

/** Opens the details page of the lab result with this accession number from the list. */
export async function openLabResult(page: Page, accession: string): Promise<void> {
  await page.goto("/lab-results");
  await page
    .getByTestId("lab-result-row")
    .filter({ hasText: accession })
    .getByRole("link", { name: /Details of/ })
    .click();
}
