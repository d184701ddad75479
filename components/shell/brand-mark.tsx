/** The portal's "LR" mark (decorative): large on the sign-in page, small in the header. */
export function BrandMark({ size }: { size: "large" | "small" }) {
  const large = size === "large";
  return (
    <span
      aria-hidden="true"
      className={`${large ? "mx-auto grid h-12 w-12" : "grid h-8 w-8"} place-items-center ${large ? "rounded-lg" : "rounded-md"} bg-brand-600 ${large ? "text-lg" : "text-sm"} font-bold text-white`}
    >
      LR
    </span>
  );
}
