import { FormField } from "@/components/ui/form-field";
import type { UserRole } from "@/lib/domain";

export type RoleFieldProps = {
  id: string;
  roles: UserRole[];
  defaultValue: UserRole | undefined;
  error?: string;
  /** Classes of each option (e.g. `capitalize`). */
  optionClassName?: string;
};

/** The role a person has: a select named "role" with one option per role. */
export function RoleField({ id, roles, defaultValue, error, optionClassName }: RoleFieldProps) {
  return (
    <FormField id={id} label="Role" error={error}>
      {(control) => (
        <select {...control} name="role" defaultValue={defaultValue}>
          {roles.map((r) => (
            <option key={r} value={r} className={optionClassName}>
              {r}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}
