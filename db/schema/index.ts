export * from "./audit";
export * from "./deliveries";
export * from "./documents";
export * from "./lab-results";
export * from "./labs";
export * from "./patients";
export * from "./reports";
export * from "./users";
