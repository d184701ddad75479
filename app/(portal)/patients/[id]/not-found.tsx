import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function PatientNotFound() {
  return (
    <NotFoundMessage
      message="This patient does not exist, or is not a patient of your labs."
      back={{ href: "/patients", label: "Back to patients" }}
    />
  );
}
