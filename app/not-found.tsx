import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main id="main" className="grid min-h-[60vh] place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-brand-700">404</p>
        <h1 className="mt-2 text-2xl font-semibold text-slate-900">Not found</h1>
        <p className="mt-2 text-sm text-slate-600">This page does not exist, or it is not part of your labs.</p>
        <Link href="/" className={buttonClasses("secondary", "mt-6")}>
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
