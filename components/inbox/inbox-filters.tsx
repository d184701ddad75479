import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

const selectClasses = "mt-1 block min-h-11 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm";

/** The inbox's filters: a plain GET form, so the filtered inbox has its own address. */
export function InboxFilters({
  flag,
  who,
  age,
  patient,
  amberDays,
  redDays,
}: {
  flag: string;
  who: string;
  age: string;
  patient: string;
  amberDays: number;
  redDays: number;
}) {
  return (
    <form
      method="get"
      action="/inbox"
      aria-label="Filter the inbox"
      className="mb-4 grid grid-cols-1 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
    >
      <div>
        <label htmlFor="inbox-flag" className="block text-sm font-medium text-slate-800">
          Flag
        </label>
        <select id="inbox-flag" name="flag" defaultValue={flag} className={selectClasses}>
          <option value="">Any flag</option>
          <option value="critical">Critical</option>
          <option value="abnormal">Abnormal</option>
          <option value="normal">Normal</option>
          <option value="none">Not flagged</option>
        </select>
      </div>
      <div>
        <label htmlFor="inbox-who" className="block text-sm font-medium text-slate-800">
          Assigned
        </label>
        <select id="inbox-who" name="who" defaultValue={who} className={selectClasses}>
          <option value="for_me">To me, copied to me, or unassigned</option>
          <option value="mine">To me or copied to me</option>
          <option value="unassigned">Unassigned</option>
          <option value="all">Everyone&apos;s</option>
        </select>
      </div>
      <div>
        <label htmlFor="inbox-age" className="block text-sm font-medium text-slate-800">
          Waiting
        </label>
        <select id="inbox-age" name="age" defaultValue={age} className={selectClasses}>
          <option value="any">Any time</option>
          <option value="amber">{amberDays} days or more</option>
          <option value="red">{redDays} days or more</option>
        </select>
      </div>
      <div>
        <label htmlFor="inbox-patient" className="block text-sm font-medium text-slate-800">
          Patient
        </label>
        <input
          id="inbox-patient"
          name="patient"
          type="search"
          defaultValue={patient}
          placeholder="Name or patient id"
          autoComplete="off"
          className={selectClasses}
        />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClasses("primary", "min-h-11 flex-1")}>
          Filter
        </button>
        <Link href="/inbox" className={buttonClasses("secondary", "min-h-11 flex-1")}>
          Reset
        </Link>
      </div>
    </form>
  );
}
