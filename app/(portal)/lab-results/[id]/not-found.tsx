import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function LabResultNotFound() {
  return (
    <NotFoundMessage
      message="This lab result does not exist, or is not part of the lab you are working in (switch labs at the top to open another lab's)."
      back={{ href: "/lab-results", label: "Back to lab results" }}
    />
  );
}
