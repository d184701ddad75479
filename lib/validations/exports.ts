import { z } from "zod";

const optionalText = (max: number, label: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null),
    z
      .string()
      .max(max, { error: `${label}: at most ${max} characters.` })
      // HL7 delimiters are escaped in the message, but an identifier with them is surely a typo.
      .regex(/^[^|^~\\&\r\n]+$/, { error: `${label}: no | ^ ~ \\ & or line breaks.` })
      .nullable(),
  );

/** A host name or an IP address (v4, or v6 without brackets). */
const hostPattern =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/;

/** The lab's HL7 export settings and its outbound MLLP feed. */
export const hl7SettingsSchema = z
  .object({
    labId: z.uuid(),
    hl7SendingApplication: optionalText(60, "Sending application"),
    hl7SendingFacility: optionalText(60, "Sending facility"),
    hl7FeedEnabled: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
    hl7FeedHost: z.preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null),
      z.string().max(253).regex(hostPattern, { error: "Enter a host name or an IP address." }).nullable(),
    ),
    hl7FeedPort: z.preprocess(
      (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null),
      z.coerce
        .number({ error: "Enter a port number." })
        .int({ error: "Enter a port number." })
        .min(1, { error: "A port is 1 to 65535." })
        .max(65535, { error: "A port is 1 to 65535." })
        .nullable(),
    ),
  })
  .superRefine((value, ctx) => {
    if (!value.hl7FeedEnabled) return;
    if (!value.hl7FeedHost) ctx.addIssue({ code: "custom", path: ["hl7FeedHost"], message: "The feed needs a host." });
    if (!value.hl7FeedPort) ctx.addIssue({ code: "custom", path: ["hl7FeedPort"], message: "The feed needs a port." });
  });

export type Hl7SettingsInput = z.infer<typeof hl7SettingsSchema>;

export const feedResendSchema = z.object({ labId: z.uuid(), messageId: z.uuid() });
