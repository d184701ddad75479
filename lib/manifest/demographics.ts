import type { PatientSex } from "@/lib/domain";

/** What identifies a person beyond the lab's patient id. */
export type PersonDetails = { givenName: string; familyName: string; birthDate: string | null; sex: PatientSex };

/**
 * A name as people mean it: case, accents' composition and runs of spaces do not make
 * another person. The same rule as the server's patient resolution (sameDemographics in
 * db/queries/patients.ts), here without database code so that the browser uses it too;
 * demographics.test.ts holds the two to the same answers.
 */
function normalName(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("en");
}

/** The first field in which two versions of a patient differ, or null when they are the same person. */
export function differingField(a: PersonDetails, b: PersonDetails): keyof PersonDetails | null {
  if (normalName(a.givenName) !== normalName(b.givenName)) return "givenName";
  if (normalName(a.familyName) !== normalName(b.familyName)) return "familyName";
  if ((a.birthDate ?? null) !== (b.birthDate ?? null)) return "birthDate";
  if (a.sex !== b.sex) return "sex";
  return null;
}

/** "Lovelace, Ada, born 1980-12-10, sex female", as the single upload shows a patient. */
export function describePerson(p: PersonDetails): string {
  return `${p.familyName}, ${p.givenName}, born ${p.birthDate ?? "unknown"}, sex ${p.sex}`;
}
