import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function LabResultNotFound() {
  return (
    <NotFoundMessage
      message="This lab result does not exist, or is not part of your labs."
      back={{ href: "/lab-results", label: "Back to lab results" }}
    />
  );
}
