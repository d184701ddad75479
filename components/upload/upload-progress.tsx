/** `done`: files the portal has answered for (stored, held, refused); what each became is said elsewhere. */
export type UploadProgressProps = { done: number; total: number };

/** How far the upload of a batch is, as a bar and as words: not how many went to Docus. */
export function UploadProgress({ done, total }: UploadProgressProps) {
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const text = `${done} of ${total} uploaded`;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label="Files uploaded"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
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
