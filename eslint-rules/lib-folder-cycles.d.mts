import type { ESLint, Rule } from "eslint";

export function unitOf(relative: string): string | null;
export function importTarget(root: string, fromFile: string, specifier: string): string | null;
export function libGraph(root: string): Map<string, Map<string, string>>;
export function findPath(graph: Map<string, Map<string, string>>, from: string, to: string): string[] | null;
export const noLibFolderCycle: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
