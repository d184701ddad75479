"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import type { NavItem } from "./nav-items";

function isActive(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLinks({ items }: { items: Pick<NavItem, "href" | "label">[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex flex-col gap-1">
      {items.map((item) => {
        const active = isActive(pathname, item.href);
        return (
          <li key={item.href}>
            {/* No prefetch: a prefetch stops at a page's loading state but runs the layouts above it,
                and a layout that sends a person elsewhere (to enrol in two-factor sign-in) would be
                remembered and replayed after that has changed. */}
            <Link
              href={item.href}
              prefetch={false}
              aria-current={active ? "page" : undefined}
              className={cn(
                // At least 44 px high for a finger below the lg breakpoint (the menu).
                "flex min-h-11 items-center rounded-md px-3 py-2 text-sm font-medium lg:min-h-0",
                active ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
              )}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
