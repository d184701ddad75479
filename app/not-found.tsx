import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function NotFound() {
  return (
    <main id="main">
      <NotFoundMessage />
    </main>
  );
}
