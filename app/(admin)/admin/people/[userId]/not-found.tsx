import { NotFoundMessage } from "@/components/shell/not-found-message";

export default function PersonNotFound() {
  return (
    <NotFoundMessage
      message="This person does not exist, or is not one you manage."
      back={{ href: "/admin/people", label: "Back to people" }}
    />
  );
}
