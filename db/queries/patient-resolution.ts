/*
 * Whether the "new" patient of an upload is a patient the lab already has: the rule the
 * upload applies when the patient id exists (see resolveNewPatient in
 * lab-result-submissions.ts). Plain functions, no database.
 */

/** What identifies a person beyond the lab's patient id: compared when a "new" patient's id exists. */
export type Demographics = {
  givenName: string;
  familyName: string;
  birthDate: string | null;
  sex: "female" | "male" | "other" | "unknown";
};

/** A name as people mean it: case, accents' composition and runs of spaces do not make another person. */
function normalName(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("en");
}

/**
 * Whether a "new" patient is the lab's existing patient of the same id: same names (as
 * normalName compares them), same birth date and same sex. A batch of files for a new
 * patient sends the same demographics with every file, so every file after the first
 * finds the first one's patient and attaches to it; anything that differs is a different
 * person (or a typo) and is refused rather than guessed at.
 */
export function sameDemographics(existing: Demographics, requested: Demographics): boolean {
  return (
    normalName(existing.givenName) === normalName(requested.givenName) &&
    normalName(existing.familyName) === normalName(requested.familyName) &&
    (existing.birthDate ?? null) === (requested.birthDate ?? null) &&
    existing.sex === requested.sex
  );
}
