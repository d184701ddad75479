import { notFound } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { scopeOf } from "@/db/queries/scope";
import { requireUser } from "@/lib/account/auth";

/**
 * The start of a page about one record (a lab result, a patient): the signed-in person, the record's id from
 * the address (not found unless it is a UUID), the database and the person's query scope.
 */
export async function openRecordPage(params: Promise<{ id: string }>) {
  const user = await requireUser();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const db = await getDb();
  return { user, id, db, scope: scopeOf(user) };
}
