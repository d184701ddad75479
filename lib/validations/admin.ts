import { z } from "zod";
import { labResultModes, labRoles, userRoles } from "@/lib/domain";
import { MIN_PASSWORD_LENGTH } from "@/lib/account/password-policy";

export const labNameSchema = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(200, { error: "must be at most 200 characters" });

/** Partner lab ids are echoed by Docus and used for routing: keep them plain. */
export const partnerLabIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "must be 1-64 letters, digits, '.', '_' or '-'" });

export const createLabSchema = z.object({ name: labNameSchema, partnerLabId: partnerLabIdSchema.optional() });

export const createUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: "must be a valid email address" })),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, { error: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(1024, { error: "must be at most 1024 characters" }),
  role: z.enum(userRoles, { error: `must be one of ${userRoles.join(", ")}` }),
  name: z.string().trim().min(1).max(200).optional(),
  labs: z.array(z.string().trim().min(1)).default([]),
});

/** Form fields of the people pages (the browser sends repeated `labIds`). */
export const personNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter the person's name." })
  .max(200, { error: "At most 200 characters." });
export const personEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, { error: "At most 320 characters." })
  .pipe(z.email({ error: "Enter a valid email address." }));
export const roleSchema = z.enum(userRoles, { error: "Choose a role." });
export const labRoleSchema = z.enum(labRoles, { error: "Choose a role." });
export const labIdsSchema = z.array(z.uuid({ error: "Choose labs from the list." })).max(500);

export const createPersonSchema = z.object({
  name: personNameSchema,
  email: personEmailSchema,
  role: roleSchema,
  labIds: labIdsSchema,
});
/** The person edit form: per lab a select named `role:<labId>` ("" = not a member), and for operators `operator`. */
export const updatePersonSchema = z.object({
  userId: z.uuid(),
  memberships: z
    .array(z.object({ labId: z.uuid({ error: "Choose labs from the list." }), role: labRoleSchema }))
    .max(500),
  isOperator: z.boolean().optional(),
});
export const userIdSchema = z.object({ userId: z.uuid() });

/** A new password as typed; the strength check runs after this. */
export const newPasswordSchema = z.string().max(1024, { error: "At most 1024 characters." });
export const setPasswordSchema = z
  .object({ token: z.string().max(100), password: newPasswordSchema, confirm: z.string().max(1024) })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], error: "The two passwords differ." });
export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { error: "Enter your current password." }).max(1024),
    password: newPasswordSchema,
    confirm: z.string().max(1024),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], error: "The two passwords differ." });

/** A lab's settings as the lab form sends them (a checkbox is "on" or absent). */
export const labSettingsSchema = z.object({
  name: labNameSchema,
  partnerLabId: partnerLabIdSchema,
  turnaroundHours: z.coerce
    .number({ error: "Enter a number of hours." })
    .int({ error: "Enter whole hours." })
    .min(1, { error: "At least 1 hour." })
    .max(24 * 60, { error: "At most 1440 hours." }),
  defaultUploadMode: z.enum(labResultModes, { error: "Choose a mode." }),
  requireTwoFactor: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
  /**
   * The wrong-patient guard. The form sends "off" (a hidden field) then "on" when checked,
   * and the action takes the last value; absent (an older form, a script) leaves it as it is.
   */
  wrongPatientGuard: z.preprocess(
    (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : undefined),
    z.boolean().optional(),
  ),
  /** Share links of report versions for outside physicians, and for patients: sent as the guard is. */
  shareLinksPhysicians: z.preprocess(
    (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : undefined),
    z.boolean().optional(),
  ),
  shareLinksPatients: z.preprocess(
    (v) => (v === "on" || v === "true" ? true : v === "off" || v === "false" ? false : undefined),
    z.boolean().optional(),
  ),
});
/** An admin's form sends no partner lab id (only an operator changes it): absent means unchanged. */
export const updateLabSchema = labSettingsSchema.extend({
  labId: z.uuid(),
  partnerLabId: partnerLabIdSchema.optional(),
});
export const labActiveSchema = z.object({
  labId: z.uuid(),
  active: z.enum(["true", "false"]).transform((v) => v === "true"),
});
export type LabSettings = z.infer<typeof labSettingsSchema>;
