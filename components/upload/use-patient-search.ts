"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { PatientSummary } from "./upload-model";

export const MIN_SEARCH_LENGTH = 2;
const DEBOUNCE_MS = 250;

const patientSearchResponseSchema = z.object({
  patients: z.array(
    z.object({
      id: z.string(),
      patientId: z.string(),
      givenName: z.string(),
      familyName: z.string(),
      birthDate: z.string().nullable(),
    }),
  ),
});

class SearchError extends Error {
  constructor(readonly status: number) {
    super(`The patient search answered ${status}.`);
    this.name = "SearchError";
  }
}

async function fetchPatients(q: string, signal: AbortSignal): Promise<PatientSummary[]> {
  const response = await fetch(`/api/patients/search?q=${encodeURIComponent(q)}`, {
    signal,
    cache: "no-store",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new SearchError(response.status);
  return patientSearchResponseSchema.parse(await response.json()).patients;
}

export type PatientSearch =
  | { state: "idle" }
  | { state: "searching"; patients: PatientSummary[] }
  | { state: "error"; message: string }
  | { state: "done"; term: string; patients: PatientSummary[] };

/** Searches the current lab's patients as the person types: debounced, at least two characters. */
export function usePatientSearch(term: string): PatientSearch {
  const trimmed = term.trim();
  const [debounced, setDebounced] = useState(trimmed);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(trimmed), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [trimmed]);

  const enabled = debounced.length >= MIN_SEARCH_LENGTH;
  const query = useQuery({
    queryKey: ["patient-search", debounced],
    queryFn: ({ signal }) => fetchPatients(debounced, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

  if (trimmed.length < MIN_SEARCH_LENGTH) return { state: "idle" };
  if (!enabled) return { state: "searching", patients: [] };
  if (query.isError) {
    const status = query.error instanceof SearchError ? query.error.status : 0;
    return {
      state: "error",
      message:
        status === 401
          ? "Your session has ended. Sign in again to search for patients."
          : "The patient search is not available right now. Try again, or create a new patient.",
    };
  }
  const patients = query.data ?? [];
  if (trimmed !== debounced || query.isFetching || query.isPlaceholderData || !query.data)
    return { state: "searching", patients };
  return { state: "done", term: debounced, patients };
}
