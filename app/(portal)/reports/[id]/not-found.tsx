import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function ReportNotFound() {
  return (
    <NotFoundMessage
      message="This interpretation report does not exist, or is not part of the lab you are working in (switch labs at the top to open another lab's)."
      back={{ href: "/lab-results", label: "Back to lab results" }}
    />
  );
}
