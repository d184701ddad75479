import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export type NotFoundMessageProps = {
  /** Why it may be missing, in one sentence. */
  message?: string;
  back?: { href: string; label: string };
};

/** What a missing page says: the same for an unknown address and for a row of another lab. */
export function NotFoundMessage({
  message = "This page does not exist, or it is not part of your labs.",
  back = { href: "/", label: "Back to the dashboard" },
}: NotFoundMessageProps) {
  return (
    <div className="grid min-h-[60vh] place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-700">404</p>
        <h1 className="mt-2 text-2xl font-semibold text-slate-900">Not found</h1>
        <p className="mt-2 text-sm text-slate-600">{message}</p>
        <Link href={back.href} className={buttonClasses("secondary", "mt-6")}>
          {back.label}
        </Link>
      </div>
    </div>
  );
}
