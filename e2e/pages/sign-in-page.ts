import { expect, type Page } from "@playwright/test";
import { E2E_PASSWORD, accounts, type AccountKey } from "../fixtures/accounts";
import { nextTotpCode } from "../fixtures/totp";

/** The sign-in page, as a person uses it. */
export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto(path = "/sign-in") {
    await this.page.goto(path);
    await expect(this.page.getByRole("heading", { name: "Lab Results Portal" })).toBeVisible();
  }

  async fill(email: string, password: string) {
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  /** Signs in as one of the prepared accounts and waits for the portal shell. */
  async signInAs(key: AccountKey) {
    await this.goto();
    await this.signIn(accounts[key].email, E2E_PASSWORD);
  }

  /**
   * Signs in with a password and, when the portal asks for it, a code computed from the
   * account's TOTP secret (`null`: the account has none). Waits for the portal shell.
   */
  async signIn(email: string, password: string, { totpSecret }: { totpSecret?: string | null } = {}) {
    await this.fill(email, password);
    const code = this.page.getByLabel("Authentication code");
    // The portal's shell: its navigation, or on a phone the header's menu button in its place.
    const shell = this.page
      .getByRole("navigation", { name: "Main" })
      .or(this.page.getByRole("banner").getByRole("button", { name: "Menu", exact: true }));
    await expect(code.or(shell)).toBeVisible();
    if (totpSecret !== null && (await code.isVisible())) {
      await code.fill(await nextTotpCode(email, totpSecret));
      await this.page.getByRole("button", { name: "Sign in" }).click();
    }
    await expect(shell).toBeVisible();
  }

  errorMessage() {
    // Scoped to the form: Next.js keeps a route announcer with the same role on every page.
    return this.page.locator("form").getByRole("alert");
  }
}
