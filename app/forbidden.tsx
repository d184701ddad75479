import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function Forbidden() {
  return (
    <main id="main" className="grid min-h-[60vh] place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-700">403</p>
        <h1 className="mt-2 text-2xl font-semibold text-slate-900">You do not have access to this page</h1>
        <p className="mt-2 text-sm text-slate-600">
          Your role does not include this part of the portal. If you need it, ask an administrator.
        </p>
        <Link href="/" className={buttonClasses("secondary", "mt-6")}>
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
