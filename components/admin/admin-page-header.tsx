import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/ui/page-header";

export type AdminPageHeaderProps = {
  title: string;
  description?: string;
  /** Where the page's way back leads: the administration page unless told otherwise. */
  back?: { href: string; label: string } | false;
  actions?: ReactNode;
};

const backToAdministration = { href: "/admin", label: "Back to administration" };

/** An administration page's header, with its link back up. */
export function AdminPageHeader({ title, description, back = backToAdministration, actions }: AdminPageHeaderProps) {
  return (
    <PageHeader
      title={title}
      description={description}
      actions={
        actions ??
        (back ? (
          <Link href={back.href} className="text-sm font-medium text-brand-700 underline">
            {back.label}
          </Link>
        ) : undefined)
      }
    />
  );
}
