"use client";

import { useRef, useState } from "react";
import { checkPdfFile, fileSignature } from "./check-pdf-file";
import type { FileRow, RowState } from "./upload-model";

export type FileRowsState = {
  rows: FileRow[];
  /** Adds the files not already in the list and checks each in the browser. */
  add: (files: File[]) => { added: number; repeated: string[] };
  remove: (key: string) => FileRow | undefined;
  setState: (key: string, state: RowState) => void;
  setWaiting: (keys: ReadonlySet<string>) => void;
};

/** The files chosen for a batch, each with where it stands. */
export function useFileRows(maxUploadMb: number): FileRowsState {
  const [rows, setRows] = useState<FileRow[]>([]);
  const nextKeyRef = useRef(0);

  function add(files: File[]) {
    const known = new Set(rows.map((row) => fileSignature(row.file)));
    const added: FileRow[] = [];
    const repeated: string[] = [];
    for (const file of files) {
      const signature = fileSignature(file);
      if (known.has(signature)) {
        repeated.push(file.name);
        continue;
      }
      known.add(signature);
      nextKeyRef.current += 1;
      added.push({ key: `file-${nextKeyRef.current}`, file, state: { phase: "checking" } });
    }
    setRows((previous) => [...previous, ...added]);
    for (const row of added) {
      void checkPdfFile(row.file, maxUploadMb).then((problem) => {
        setRows((previous) =>
          previous.map((r) =>
            r.key === row.key && r.state.phase === "checking"
              ? { ...r, state: problem ? { phase: "refused", problem } : { phase: "ready" } }
              : r,
          ),
        );
      });
    }
    return { added: added.length, repeated };
  }

  return {
    rows,
    add,
    remove(key) {
      const row = rows.find((r) => r.key === key);
      setRows((previous) => previous.filter((r) => r.key !== key));
      return row;
    },
    setState(key, state) {
      setRows((previous) => previous.map((row) => (row.key === key ? { ...row, state } : row)));
    },
    setWaiting(keys) {
      setRows((previous) => previous.map((row) => (keys.has(row.key) ? { ...row, state: { phase: "waiting" } } : row)));
    },
  };
}
