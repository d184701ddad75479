export async function register(): Promise<void> {
  // The server's start-up work needs Node APIs; the edge runtime never runs it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
