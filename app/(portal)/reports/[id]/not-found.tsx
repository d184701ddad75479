import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function ReportNotFound() {
  return (
    <NotFoundMessage
      message="This interpretation report does not exist, or is not part of your labs."
      back={{ href: "/lab-results", label: "Back to lab results" }}
    />
  );
}
