"use client";

import { PageError } from "@/components/shell/page-error";

export default function SegmentError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <PageError reset={reset} />;
}
