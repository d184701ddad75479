export type UploadProgressProps = { sent: number; total: number };

/** How many files of the batch have been sent, as a bar and as words. */
export function UploadProgress({ sent, total }: UploadProgressProps) {
  const percent = total > 0 ? Math.round((sent / total) * 100) : 0;
  const text = `${sent} of ${total} sent`;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Files sent"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={sent}
        aria-valuetext={text}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className="h-full rounded-full bg-brand-600 transition-[width] motion-reduce:transition-none"
          style={{ width: `${percent}%` }}
        />
      </div>
      <p className="text-sm text-slate-700" aria-hidden="true">
        {text}
      </p>
    </div>
  );
}
