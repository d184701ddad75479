import { patients } from "@/db/schema";

/** What names a patient in a list: our id, the lab's patient id, the name and the birth date. */
export const patientNameColumns = {
  id: patients.id,
  patientId: patients.patientId,
  givenName: patients.givenName,
  familyName: patients.familyName,
  birthDate: patients.birthDate,
};

/** A patient's identifying details (the name columns and sex), as an upload's patient is checked against. */
export const patientIdentityColumns = { ...patientNameColumns, sex: patients.sex };
