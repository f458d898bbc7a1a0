/** An npm tool: pinned packages (with Node 22) under `dir`, `entry` run with that Node. */
export interface NpmTestTool {
  label: string;
  kind: 'npm';
  dir: string;
  packages: string[];
  entry: string;
}
/** The Python clients: pinned packages in a virtual environment `dir`, importable as `modules`. */
export interface PythonTestTool {
  label: string;
  kind: 'python';
  dir: string;
  packages: string[];
  modules: string[];
}
export declare const TEST_TOOLS: {
  conformance: NpmTestTool;
  inspector: NpmTestTool;
  'mcp-remote': NpmTestTool;
  python: PythonTestTool;
};
export type TestToolName = keyof typeof TEST_TOOLS;
/** Why a tool could not be installed, and how to install it by hand. */
export interface ToolInstallFailure {
  /** What the tool is, e.g. "MCP Inspector". */
  tool: string;
  /** The pinned packages that were being installed. */
  packages: string[];
  /** Where they go, relative to the repository root. */
  dir: string;
  /** The installer's own error line, or a timeout. */
  reason: string;
  /** The command that installs the tool by hand, from the repository root. */
  installCommand: string;
}
export declare function testToolPaths(
  name: 'python',
  root?: string,
): { dir: string; python: string; node?: undefined; entry?: undefined };
export declare function testToolPaths(
  name: Exclude<TestToolName, 'python'>,
  root?: string,
): { dir: string; node: string; entry: string; python?: undefined };
export declare function installCommand(name: TestToolName): string;
export declare function installTestTool(
  name: TestToolName,
  options?: { root?: string; env?: NodeJS.ProcessEnv },
): Promise<ToolInstallFailure | undefined>;
