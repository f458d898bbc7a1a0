/** One versioned schema change of {@link PostgresOAuthStore}, shipped in the package. */
export interface PostgresMigration {
  /** Strictly increasing, starting at 1; recorded in `mcp_auth_schema_version`. */
  version: number;
  name: string;
  /** SQL run in one transaction. */
  sql: string;
}
