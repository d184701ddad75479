"use client";

import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { PDFDocumentLoadingTask, PDFDocumentProxy, RenderTask, TextLayer } from "pdfjs-dist";
import { isCancellation, loadPdfjs, startWorker } from "./pdfjs";
import "./pdf-viewer.css";

/** Zoom steps, relative to the page filling the viewer's width (100%). */
const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3] as const;
const DEFAULT_ZOOM_INDEX = ZOOM_STEPS.indexOf(1);

/** Compact controls, so that the toolbar fits on one line beside the other document. */
const CONTROL =
  "inline-flex h-8 items-center justify-center rounded-md border border-slate-300 bg-white text-sm font-medium text-slate-800 transition-colors motion-reduce:transition-none hover:bg-slate-50 disabled:cursor-not-allowed disabled:text-slate-400";

type LoadState = { status: "loading" } | { status: "ready"; doc: PDFDocumentProxy } | { status: "error" };

export type PdfViewerProps = {
  /**
   * Same-origin URL of the PDF; `?download=1` on it must answer the same file as an
   * attachment. One viewer shows one document: to show another, render another viewer.
   */
  src: string;
  /** What the document is, e.g. "Interpretation report": the viewer's heading and the controls' names. */
  title: string;
};

/** One PDF rendered inline with pdf.js: the current page as a canvas plus a selectable text layer. */
export function PdfViewer({ src, title }: PdfViewerProps) {
  const headingId = useId();
  const pageRegionId = useId();
  const [load, setLoad] = useState<LoadState>({ status: "loading" });
  const [pageNumber, setPageNumber] = useState(1);
  const [zoomIndex, setZoomIndex] = useState(DEFAULT_ZOOM_INDEX);
  const [availableWidth, setAvailableWidth] = useState(0);
  const [renderedKey, setRenderedKey] = useState<string | null>(null);
  const regionRef = useRef<HTMLDivElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const shownPageRef = useRef(0);

  const doc = load.status === "ready" ? load.doc : null;
  const pageCount = doc?.numPages ?? 0;
  const zoom = ZOOM_STEPS[zoomIndex] ?? 1;
  const renderKey = `${pageNumber}:${zoom}:${availableWidth}`;

  // Loads the document in its own worker, and releases both when the viewer goes away.
  useEffect(() => {
    let cancelled = false;
    let task: PDFDocumentLoadingTask | null = null;
    let worker: ReturnType<typeof startWorker> | null = null;
    loadPdfjs()
      .then((pdfjs) => {
        if (cancelled) return null;
        worker = startWorker(pdfjs);
        // No WebAssembly (the CSP has no 'wasm-unsafe-eval'): pdf.js falls back to its JavaScript
        // implementations. Rendering stays on this thread, in this document's CSP.
        task = pdfjs.getDocument({
          url: src,
          worker: worker.pdfWorker,
          useWasm: false,
          disableWorkerRendering: true,
          enableXfa: false,
        });
        return task.promise;
      })
      .then((loaded) => {
        if (loaded && !cancelled) setLoad({ status: "ready", doc: loaded });
      })
      .catch((error: unknown) => {
        if (!cancelled && !isCancellation(error)) setLoad({ status: "error" });
      });
    return () => {
      cancelled = true;
      const started = worker;
      void (task?.destroy() ?? Promise.resolve())
        .catch(() => undefined)
        .finally(() => {
          started?.pdfWorker.destroy();
          started?.port.terminate();
        });
    };
  }, [src]);

  // The page fills the viewer's width at 100%; follow the viewer's size (window, layout toggle).
  useEffect(() => {
    const region = regionRef.current;
    if (!region) return;
    const observer = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      setAvailableWidth(width);
    });
    observer.observe(region);
    return () => observer.disconnect();
  }, []);

  // Renders the current page into a fresh canvas and text layer, swapped in when both are done.
  useEffect(() => {
    const pageHost = pageRef.current;
    if (!doc || !pageHost || availableWidth === 0) return;
    let cancelled = false;
    let renderTask: RenderTask | null = null;
    let textLayer: TextLayer | null = null;
    (async () => {
      const pdfjs = await loadPdfjs();
      const page = await doc.getPage(pageNumber);
      if (cancelled) return;
      const natural = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (availableWidth / natural.width) * zoom });
      const pixelRatio = window.devicePixelRatio || 1;
      const width = Math.floor(viewport.width);
      const height = Math.floor(viewport.height);

      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * pixelRatio);
      canvas.height = Math.floor(viewport.height * pixelRatio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      canvas.className = "pdf-viewer-canvas";
      // The text layer carries the page's text for assistive technology; the canvas is its picture.
      canvas.setAttribute("aria-hidden", "true");

      const text = document.createElement("div");
      text.className = "textLayer";

      renderTask = page.render({
        canvas,
        viewport,
        transform: pixelRatio === 1 ? undefined : [pixelRatio, 0, 0, pixelRatio, 0, 0],
      });
      textLayer = new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport });
      await Promise.all([renderTask.promise, textLayer.render()]);
      if (cancelled) return;
      pageHost.style.width = `${width}px`;
      pageHost.style.height = `${height}px`;
      pageHost.style.setProperty("--total-scale-factor", String(viewport.scale));
      pageHost.replaceChildren(canvas, text);
      // A new page starts at its top; a new zoom or width keeps the reader's place.
      if (shownPageRef.current !== pageNumber) regionRef.current?.scrollTo({ top: 0, left: 0 });
      shownPageRef.current = pageNumber;
      setRenderedKey(`${pageNumber}:${zoom}:${availableWidth}`);
    })().catch((error: unknown) => {
      if (!cancelled && !isCancellation(error)) setLoad({ status: "error" });
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [doc, pageNumber, zoom, availableWidth]);

  const goTo = useCallback(
    (next: number) => setPageNumber((current) => (next >= 1 && next <= pageCount ? next : current)),
    [pageCount],
  );

  // Arrow keys move between the toolbar's controls, as in the WAI-ARIA toolbar pattern.
  function onToolbarKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    const controls = Array.from(event.currentTarget.querySelectorAll<HTMLElement>("button:not(:disabled), a[href]"));
    const index = controls.indexOf(document.activeElement as HTMLElement);
    if (index === -1) return;
    event.preventDefault();
    const last = controls.length - 1;
    const target =
      event.key === "Home"
        ? 0
        : event.key === "End"
          ? last
          : event.key === "ArrowLeft"
            ? index === 0
              ? last
              : index - 1
            : index === last
              ? 0
              : index + 1;
    controls[target]?.focus();
  }

  const ready = load.status === "ready";
  const busy = load.status === "loading" || (ready && renderedKey !== renderKey);
  const control = `${CONTROL} px-2.5`;
  const iconControl = `${CONTROL} w-8 text-base`;
  const downloadHref = `${src}${src.includes("?") ? "&" : "?"}download=1`;

  return (
    <section aria-labelledby={headingId} className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white">
      <div className="border-b border-slate-200 px-3 py-2">
        <h2 id={headingId} className="mb-2 text-base font-semibold text-slate-900">
          {title}
        </h2>
        <div
          role="toolbar"
          aria-label={`${title} controls`}
          aria-controls={pageRegionId}
          onKeyDown={onToolbarKeyDown}
          className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2"
        >
          <div className="flex items-center gap-1">
            <IconButton
              className={iconControl}
              label="Previous page"
              glyph="‹"
              onClick={() => goTo(pageNumber - 1)}
              disabled={!ready || pageNumber <= 1}
            />
            <span
              className="min-w-22 text-center text-sm tabular-nums text-slate-700"
              aria-live="polite"
              aria-atomic="true"
            >
              {ready ? `Page ${pageNumber} of ${pageCount}` : "Page – of –"}
            </span>
            <IconButton
              className={iconControl}
              label="Next page"
              glyph="›"
              onClick={() => goTo(pageNumber + 1)}
              disabled={!ready || pageNumber >= pageCount}
            />
          </div>
          <div className="flex items-center gap-1">
            <IconButton
              className={iconControl}
              label="Zoom out"
              glyph="−"
              onClick={() => setZoomIndex((i) => Math.max(0, i - 1))}
              disabled={!ready || zoomIndex === 0}
            />
            <span
              className="w-12 text-center text-sm tabular-nums text-slate-700"
              aria-live="polite"
              aria-atomic="true"
            >
              <span className="sr-only">Zoom </span>
              {Math.round(zoom * 100)}%
            </span>
            <IconButton
              className={iconControl}
              label="Zoom in"
              glyph="+"
              onClick={() => setZoomIndex((i) => Math.min(ZOOM_STEPS.length - 1, i + 1))}
              disabled={!ready || zoomIndex === ZOOM_STEPS.length - 1}
            />
            <button
              type="button"
              className={control}
              onClick={() => setZoomIndex(DEFAULT_ZOOM_INDEX)}
              disabled={!ready || zoomIndex === DEFAULT_ZOOM_INDEX}
            >
              Reset<span className="sr-only"> zoom</span>
            </button>
          </div>
          <a href={downloadHref} className={control}>
            Download<span className="sr-only"> {title.toLowerCase()}</span>
          </a>
        </div>
      </div>
      <div
        ref={regionRef}
        id={pageRegionId}
        role="region"
        aria-label={`${title}, ${ready ? `page ${pageNumber} of ${pageCount}` : "document"}`}
        aria-busy={busy}
        // The page can be wider than the viewer when zoomed in: the region scrolls, so it takes focus for keyboard scrolling.
        tabIndex={0}
        className="pdf-viewer-region relative h-[70vh] min-h-96 overflow-auto bg-slate-100 p-3"
      >
        <p role="status" className={load.status === "loading" ? "p-4 text-sm text-slate-700" : "sr-only"}>
          {load.status === "loading" ? `Loading the ${title.toLowerCase()}…` : ""}
        </p>
        {load.status === "error" ? (
          <p role="alert" className="m-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            The {title.toLowerCase()} could not be shown here. Use Download to open the file instead.
          </p>
        ) : null}
        <div ref={pageRef} className={ready ? "pdf-viewer-page relative mx-auto bg-white shadow-sm" : "hidden"} />
      </div>
    </section>
  );
}

/** A toolbar button that shows only a glyph; its name is its label, also shown as a tooltip. */
function IconButton({
  className,
  label,
  glyph,
  onClick,
  disabled,
}: {
  className: string;
  label: string;
  glyph: string;
  onClick: () => void;
  disabled: boolean;
}) {
  return (
    <button type="button" className={className} aria-label={label} title={label} onClick={onClick} disabled={disabled}>
      <span aria-hidden="true">{glyph}</span>
    </button>
  );
}
