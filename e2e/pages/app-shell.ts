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

  async open(label: string) {
    await this.nav().getByRole("link", { name: label, exact: true }).click();
    await expect(this.nav().getByRole("link", { name: label, exact: true })).toHaveAttribute("aria-current", "page");
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
