import type { PostgresMigration } from '../postgres-migration.js';

/**
 * Version 1: every table of {@link PostgresOAuthStore}. Keys are the SHA-256
 * hashes the provider computes (no plain credential is stored); every
 * expiring row has an indexed `expires_at_ms` (epoch ms, provider clock).
 */
export const MIGRATION_0001_INITIAL: PostgresMigration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE mcp_auth_clients (
  client_id text PRIMARY KEY,
  data jsonb NOT NULL,
  unconfirmed_expires_at_ms bigint
);
CREATE INDEX mcp_auth_clients_unconfirmed_idx ON mcp_auth_clients (unconfirmed_expires_at_ms)
  WHERE unconfirmed_expires_at_ms IS NOT NULL;

CREATE TABLE mcp_auth_interactions (
  id_hash text PRIMARY KEY,
  data jsonb NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_interactions_expiry_idx ON mcp_auth_interactions (expires_at_ms);

CREATE TABLE mcp_auth_grants (
  grant_id text PRIMARY KEY,
  client_id text NOT NULL,
  subject text NOT NULL,
  data jsonb NOT NULL,
  revoked boolean NOT NULL DEFAULT false,
  live_refresh_hash text,
  step_up_required_until_ms bigint,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_grants_expiry_idx ON mcp_auth_grants (expires_at_ms);
CREATE INDEX mcp_auth_grants_subject_idx ON mcp_auth_grants (subject);
CREATE INDEX mcp_auth_grants_client_idx ON mcp_auth_grants (client_id);

CREATE TABLE mcp_auth_codes (
  code_hash text PRIMARY KEY,
  grant_id text NOT NULL,
  data jsonb NOT NULL,
  consumed boolean NOT NULL DEFAULT false,
  replay_detection_until_ms bigint,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_codes_expiry_idx ON mcp_auth_codes (expires_at_ms);

CREATE TABLE mcp_auth_refresh_tokens (
  token_hash text PRIMARY KEY,
  grant_id text NOT NULL,
  client_id text NOT NULL,
  data jsonb NOT NULL,
  used boolean NOT NULL DEFAULT false,
  rotated_at_ms bigint,
  successor_hash text,
  sealed_successor text,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_refresh_tokens_expiry_idx ON mcp_auth_refresh_tokens (expires_at_ms);
CREATE INDEX mcp_auth_refresh_tokens_grant_idx ON mcp_auth_refresh_tokens (grant_id);

CREATE TABLE mcp_auth_revoked_access_tokens (
  jti text PRIMARY KEY,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_revoked_access_tokens_expiry_idx ON mcp_auth_revoked_access_tokens (expires_at_ms);

CREATE TABLE mcp_auth_consents (
  subject text NOT NULL,
  client_id text NOT NULL,
  data jsonb NOT NULL,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (subject, client_id)
);
CREATE INDEX mcp_auth_consents_expiry_idx ON mcp_auth_consents (expires_at_ms);
CREATE INDEX mcp_auth_consents_client_idx ON mcp_auth_consents (client_id);

CREATE TABLE mcp_auth_sessions (
  id_hash text PRIMARY KEY,
  data jsonb NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_sessions_expiry_idx ON mcp_auth_sessions (expires_at_ms);

CREATE TABLE mcp_auth_upstream_flows (
  state_hash text PRIMARY KEY,
  data jsonb NOT NULL,
  consumed boolean NOT NULL DEFAULT false,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_upstream_flows_expiry_idx ON mcp_auth_upstream_flows (expires_at_ms);

CREATE TABLE mcp_auth_upstream_tokens (
  grant_id text PRIMARY KEY,
  data jsonb NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX mcp_auth_upstream_tokens_expiry_idx ON mcp_auth_upstream_tokens (expires_at_ms);

CREATE TABLE mcp_auth_used_once (
  namespace text NOT NULL,
  id text NOT NULL,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (namespace, id)
);
CREATE INDEX mcp_auth_used_once_expiry_idx ON mcp_auth_used_once (expires_at_ms);
`,
};
