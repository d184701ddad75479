import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

/** The way from a page header to the upload page, for those who may upload. */
export function UploadLink() {
  return (
    <Link href="/upload" className={buttonClasses("primary")}>
      Upload lab results
    </Link>
  );
}
