import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function LabNotFound() {
  return (
    <NotFoundMessage
      message="This lab does not exist, or is not one you administer."
      back={{ href: "/admin/labs", label: "Back to labs" }}
    />
  );
}
