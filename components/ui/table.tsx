import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { cn } from "./cn";

export function Table({ caption, children }: { caption: string; children: ReactNode }) {
  return (
    // On a narrow screen a wide table scrolls sideways in its own box, which takes the focus
    // so that the keyboard can scroll it too. (Not a named region: the section around a
    // table often is one, with the table's caption as its name.)
    <div
      tabIndex={0}
      data-scroll-box="table"
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn("bg-slate-50 px-4 py-2 text-left font-medium text-slate-700", className)}
      {...props}
    />
  );
}

export function Td({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn("px-4 py-2 text-slate-800", className)} {...props} />;
}

export type TableHeadProps = {
  columns: ReactNode[];
  /** A last column of row actions, named for screen readers only. */
  actions?: boolean;
};

/** The header row of a table: one column heading per entry. */
export function TableHead({ columns, actions }: TableHeadProps) {
  return (
    <thead>
      <tr>
        {columns.map((column, index) => (
          <Th key={index}>{column}</Th>
        ))}
        {actions ? (
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        ) : null}
      </tr>
    </thead>
  );
}

export function TBody({ children }: { children: ReactNode }) {
  return <tbody className="divide-y divide-slate-100">{children}</tbody>;
}
