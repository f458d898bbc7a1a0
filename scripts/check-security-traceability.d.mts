/** One row of the traceability table. */
export interface TraceabilityRow {
  id: string;
  tests: number;
  notApplicable?: string;
}
export declare const REQUIREMENTS_COPY: string;
export declare const NOT_APPLICABLE_FILE: string;
export declare const SHARED_REQUIREMENTS: string;
export declare function parseRequirements(markdown: string): Map<string, string>;
export declare function extractTestTitles(source: string): string[];
export declare function listTestFiles(dir: string): string[];
export declare function checkTraceability(root: string): {
  rows: TraceabilityRow[];
  problems: string[];
  source: string;
};
export declare function formatTable(rows: TraceabilityRow[]): string;
