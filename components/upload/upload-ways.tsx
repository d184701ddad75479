import Link from "next/link";
import { cn } from "@/components/ui/cn";

export type UploadWay = "single" | "manifest";

const ways: Array<{ way: UploadWay; href: string; label: string }> = [
  { way: "single", href: "/upload", label: "One patient" },
  { way: "manifest", href: "/upload?way=manifest", label: "Many files with a manifest" },
];

/** The two ways into uploading: one patient's files, or a batch described by a manifest. */
export function UploadWays({ current }: { current: UploadWay }) {
  return (
    <nav aria-label="Ways to upload" className="mb-6">
      <ul className="flex flex-wrap gap-2">
        {ways.map(({ way, href, label }) => (
          <li key={way}>
            <Link
              href={href}
              aria-current={way === current ? "page" : undefined}
              className={cn(
                "inline-block rounded-md border px-3 py-2 text-sm font-medium",
                way === current
                  ? "border-brand-600 bg-brand-50 text-brand-800"
                  : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
              )}
            >
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
