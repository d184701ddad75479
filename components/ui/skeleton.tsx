import { cn } from "./cn";

function Bar({ className }: { className?: string }) {
  return <div className={cn("rounded bg-slate-200", className)} />;
}

export type PageSkeletonProps = {
  /** What is loading, for screen readers: "Loading lab results…". */
  label: string;
  /** The shape of the page that is on its way. */
  variant: "dashboard" | "table" | "detail";
};

/**
 * A page's placeholder while its data loads: the shape of the page in grey, hidden from
 * screen readers, which hear "Loading …" from a busy status region instead.
 */
export function PageSkeleton({ label, variant }: PageSkeletonProps) {
  return (
    <div role="status" aria-busy="true" aria-live="polite" data-testid="page-skeleton">
      <span className="sr-only">Loading {label}…</span>
      <div aria-hidden="true" className="animate-pulse space-y-6 motion-reduce:animate-none">
        <div className="space-y-2">
          <Bar className="h-7 w-56" />
          <Bar className="h-4 w-96 max-w-full" />
        </div>
        {variant === "dashboard" ? (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <Bar className="h-3 w-24" />
                <Bar className="h-6 w-16" />
              </div>
            ))}
          </div>
        ) : null}
        {variant === "detail" ? (
          <div className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2">
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <div key={i} className="space-y-2">
                <Bar className="h-3 w-20" />
                <Bar className="h-4 w-40" />
              </div>
            ))}
          </div>
        ) : null}
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
          <div className="bg-slate-50 px-4 py-3">
            <Bar className="h-4 w-1/3" />
          </div>
          <div className="divide-y divide-slate-100">
            {[0, 1, 2, 3, 4].map((i) => (
              <div key={i} className="flex gap-4 px-4 py-3">
                <Bar className="h-4 w-1/4" />
                <Bar className="h-4 w-1/3" />
                <Bar className="h-4 w-1/6" />
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
