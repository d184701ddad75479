import { z } from "zod";
import { userRoles } from "@/lib/domain";
import { MIN_PASSWORD_LENGTH } from "@/lib/password-policy";

export const labNameSchema = z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" });

/** Partner lab ids are echoed by Docus and used for routing: keep them plain. */
export const partnerLabIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "must be 1-64 letters, digits, '.', '_' or '-'" });

export const createLabSchema = z.object({ name: labNameSchema, partnerLabId: partnerLabIdSchema.optional() });

export const createUserSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email({ error: "must be a valid email address" })),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, { error: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(1024, { error: "must be at most 1024 characters" }),
  role: z.enum(userRoles, { error: `must be one of ${userRoles.join(", ")}` }),
  name: z.string().trim().min(1).max(200).optional(),
  labs: z.array(z.string().trim().min(1)).default([]),
});
