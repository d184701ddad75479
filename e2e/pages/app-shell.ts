import { expect, type Page } from "@playwright/test";

/** The signed-in frame: header, lab, navigation, sign out. */
export class AppShell {
  constructor(private readonly page: Page) {}

  nav() {
    return this.page.getByRole("navigation", { name: "Main" });
  }

  async navLabels(): Promise<string[]> {
    return (await this.nav().getByRole("link").allTextContents()).map((t) => t.trim());
  }

  /** Follows a navigation link and waits until its page has replaced the one before (unless it is the page shown). */
  async open(label: string) {
    const link = this.nav().getByRole("link", { name: label, exact: true });
    const leaving = (await link.getAttribute("aria-current")) === "page" ? null : await this.page.title();
    await link.click();
    if (leaving !== null) await this.leftPage(leaving);
    await expect(link).toHaveAttribute("aria-current", "page");
  }

  /**
   * Waits until the page titled `title` has been replaced by the next one. After a link's
   * click the address can change while the old page is still drawn, and its heading still
   * satisfies a check for "a heading"; its title goes only when the new page is drawn
   * (Next.js streams the new title just after, so it is empty for a moment in between).
   */
  async leftPage(title: string) {
    await expect(this.page, `the page "${title}" is replaced`).not.toHaveTitle(title);
  }

  /** The header's menu button (below the lg breakpoint; hidden from it up). */
  menuButton() {
    return this.page.getByRole("banner").getByRole("button", { name: "Menu", exact: true });
  }

  /** Opens the header's menu on a small screen and waits for the navigation in it. */
  async openMenu() {
    await this.menuButton().click();
    await expect(this.menuButton()).toHaveAttribute("aria-expanded", "true");
    await expect(this.nav()).toBeVisible();
  }

  labSwitcher() {
    return this.page.getByLabel("Lab");
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(this.page).toHaveURL(/\/sign-in/);
  }
}
