import { expect, type BrowserContext, type Page } from "@playwright/test";
import { E2E_PASSWORD, accounts, type AccountKey } from "../fixtures/accounts";
import { nextTotpCode } from "../fixtures/totp";

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/**
 * The sessions this test worker's sign-ins through the form produced, by account. A test
 * that only needs to be signed in (not one about signing in) starts from its account's
 * session: the same cookies a person's browser keeps between two visits. The portal checks
 * such a session on every request like any other; one it no longer honours (signed out,
 * ended everywhere, idle too long, the user deactivated) sends the browser to the sign-in
 * page, and the account signs in through the form again.
 */
const sessions = new Map<AccountKey, Cookies>();

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

  /**
   * Signed in as one of the prepared accounts, on `landing` (default the portal's start
   * page), with the portal shell shown: this worker's earlier session of the account when
   * the portal still honours it, else through the form (then `landing` is opened after
   * it). `{ form: true }`: always through the form, for tests of signing in and of
   * separate sessions (two devices).
   */
  async signInAs(key: AccountKey, { landing = "/", form = false }: { landing?: string; form?: boolean } = {}) {
    const context = this.page.context();
    const saved = form ? undefined : sessions.get(key);
    if (saved) {
      await context.addCookies(saved);
      await this.page.goto(landing);
      const signInHeading = this.page.getByRole("heading", { name: "Lab Results Portal", level: 1 });
      await expect(this.shell().or(signInHeading)).toBeVisible();
      if (await this.shell().isVisible()) return;
      sessions.delete(key);
      await context.clearCookies();
    }
    await this.goto();
    await this.signIn(accounts[key].email, E2E_PASSWORD);
    sessions.set(key, await context.cookies());
    if (landing !== "/") await this.page.goto(landing);
  }

  /** The portal's shell: its navigation, or on a phone the header's menu button in its place. */
  private shell() {
    return this.page
      .getByRole("navigation", { name: "Main" })
      .or(this.page.getByRole("banner").getByRole("button", { name: "Menu", exact: true }));
  }

  /**
   * Signs in with a password and, when the portal asks for it, a code computed from the
   * account's TOTP secret (`null`: the account has none). Waits for the portal shell.
   */
  async signIn(email: string, password: string, { totpSecret }: { totpSecret?: string | null } = {}) {
    await this.fill(email, password);
    const code = this.page.getByLabel("Authentication code");
    const shell = this.shell();
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
