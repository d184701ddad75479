import { expect, type Locator, type Page } from "@playwright/test";

export type ViewerTitle = "Original lab result" | "Interpretation report";

/** The inline report viewer: the interpretation report beside the original lab result. */
export class ReportViewerPage {
  constructor(private readonly page: Page) {}

  async expectLoaded(accession: string) {
    await expect(this.page.getByRole("heading", { name: `Report for accession ${accession}`, level: 1 })).toBeVisible();
  }

  /** One document's viewer: its heading, toolbar and page. */
  viewer(title: ViewerTitle): Locator {
    return this.page.getByRole("region", { name: title, exact: true });
  }

  toolbar(title: ViewerTitle): Locator {
    return this.viewer(title).getByRole("toolbar", { name: `${title} controls` });
  }

  /** The rendered page: a canvas under a text layer that holds the page's text. */
  pageArea(title: ViewerTitle): Locator {
    return this.viewer(title).getByRole("region", { name: new RegExp(`^${title}, page \\d+ of \\d+$`) });
  }

  canvas(title: ViewerTitle): Locator {
    return this.pageArea(title).locator("canvas");
  }

  async canvasWidth(title: ViewerTitle): Promise<number> {
    return (await this.canvas(title).boundingBox())?.width ?? 0;
  }

  /** Waits until the current page is drawn (the page area is no longer busy). */
  async expectRendered(title: ViewerTitle) {
    await expect(this.pageArea(title)).toHaveAttribute("aria-busy", "false");
    await expect(this.canvas(title)).toHaveCount(1);
  }

  button(title: ViewerTitle, name: string): Locator {
    return this.toolbar(title).getByRole("button", { name, exact: true });
  }

  downloadLink(title: ViewerTitle): Locator {
    return this.toolbar(title).getByRole("link", { name: `Download ${title.toLowerCase()}` });
  }

  /** The narrow-screen switch between the two documents. */
  toggle(title: ViewerTitle): Locator {
    return this.page.getByRole("group", { name: "Document to show" }).getByRole("button", { name: title, exact: true });
  }
}
