/** A prominent warning on a report whose text names another patient id than its own patient's. */
export function OtherPatientWarning({
  otherPatientId,
  reason,
  compact = false,
}: {
  otherPatientId: string | null;
  reason: string | null;
  compact?: boolean;
}) {
  const text =
    reason ??
    `This report's text names patient id ${otherPatientId ?? "of another patient"}. Check that it belongs to this patient.`;
  return (
    <div
      role="alert"
      data-testid="other-patient-warning"
      className={
        compact
          ? "mt-1 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900"
          : "mb-4 rounded-lg border-2 border-red-400 bg-red-50 p-4 text-sm text-red-900"
      }
    >
      <p className="font-semibold">Names another patient{otherPatientId ? ` (${otherPatientId})` : ""}</p>
      <p className="mt-0.5">{text}</p>
    </div>
  );
}
