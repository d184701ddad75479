import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function PatientNotFound() {
  return (
    <NotFoundMessage
      message="This patient does not exist, or is not a patient of the lab you are working in (switch labs at the top to open another lab's)."
      back={{ href: "/patients", label: "Back to patients" }}
    />
  );
}
