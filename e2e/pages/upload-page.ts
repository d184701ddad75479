import { expect, type Locator, type Page } from "@playwright/test";
import type { AccountKey } from "../fixtures/accounts";
import { SignInPage } from "./sign-in-page";

export type NewPatient = { patientId: string; givenName: string; familyName: string; birthDate: string; sex: string };

/** The technician's upload page. */
export class UploadPage {
  constructor(private readonly page: Page) {}

  /** Signs in as `account` (a technician unless said otherwise) and opens the upload page. */
  static async signedIn(page: Page, account: AccountKey = "technician"): Promise<UploadPage> {
    await new SignInPage(page).signInAs(account, { landing: "/upload" });
    const upload = new UploadPage(page);
    await upload.expectOpen();
    return upload;
  }

  async goto() {
    await this.page.goto("/upload");
    await this.expectOpen();
  }

  async expectOpen() {
    await expect(this.page.getByRole("heading", { name: "Upload lab results", level: 1 })).toBeVisible();
  }

  async newPatient(p: NewPatient) {
    await this.page.getByRole("button", { name: "New patient" }).click();
    await this.page.getByLabel("Patient id").fill(p.patientId);
    await this.page.getByLabel("Given name").fill(p.givenName);
    await this.page.getByLabel("Family name").fill(p.familyName);
    await this.page.getByLabel("Birth date").fill(p.birthDate);
    await this.page.getByLabel("Sex").selectOption(p.sex);
  }

  async findPatient(text: string, optionName: RegExp | string) {
    await this.page.getByRole("combobox", { name: "Find patient" }).fill(text);
    await this.page.getByRole("option", { name: optionName }).click();
  }

  async details(accession: string, mode: "Interpret" | "Store only" = "Interpret", notes?: string) {
    await this.page.getByLabel("Accession number").fill(accession);
    await this.page.getByRole("radio", { name: mode }).check();
    if (notes) await this.page.getByLabel("Notes").fill(notes);
  }

  async chooseFiles(paths: string[]) {
    await this.page.getByLabel("PDF files").setInputFiles(paths);
  }

  async send(mode: "Interpret" | "Store only" = "Interpret") {
    await this.page.getByRole("button", { name: mode === "Interpret" ? "Send to Docus" : "Store at Docus" }).click();
  }

  /** Fills the whole form for a new patient and sends `files`. */
  async submit(upload: { patient: NewPatient; accession: string; mode?: "Interpret" | "Store only"; files: string[] }) {
    const mode = upload.mode ?? "Interpret";
    await this.newPatient(upload.patient);
    await this.details(upload.accession, mode);
    await this.chooseFiles(upload.files);
    await this.send(mode);
  }

  row(fileName: string): Locator {
    return this.page.getByRole("list", { name: "Chosen files" }).getByRole("listitem").filter({ hasText: fileName });
  }

  /** Waits until the chosen file's row shows that its interpretation report came back. */
  async expectReportReady(fileName: string, timeout = 30_000) {
    await expect(this.row(fileName).getByText("Report ready", { exact: true })).toBeVisible({ timeout });
  }
}
