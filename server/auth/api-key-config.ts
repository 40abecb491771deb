import { createHash } from "node:crypto";
import { ConfigError } from "../config-error";

/** One MCP_API_KEYS entry: the label logs and `whoami` show, and the key itself (never logged). */
export interface ApiKeyEntry {
  /** Who the key belongs to, as logs, limits and `whoami` name the caller; safe to show. */
  readonly label: string;
  /** The secret itself: compared in constant time, never logged or echoed in an error. */
  readonly key: string;
}

/** Shorter keys are refused at startup: a key must not be guessable. */
export const MIN_API_KEY_LENGTH = 16;
const LABEL = /^[A-Za-z0-9_.-]{1,64}$/;
// Stands in for the value in every MCP_API_KEYS error so a key never reaches a log or terminal.
const REDACTED = "<redacted>";

/**
 * Parses MCP_API_KEYS: comma-separated entries, each `label:key` or a bare `key`. A bare key gets the label
 * `key-<first 8 hex of its sha256>`, stable across restarts and not reversible. A key that itself contains
 * ':' needs an explicit label. Errors name the entry by position (and label), never the key.
 */
export function parseApiKeys(raw: string | undefined): ApiKeyEntry[] {
  if (raw === undefined || raw.trim() === "") {
    throw new ConfigError(
      "MCP_API_KEYS",
      raw,
      "required when AUTH_MODE=apikey: comma list of 'label:key' or 'key'",
    );
  }
  const entries = raw.split(",").map((text, index) => parseEntry(text.trim(), index + 1));
  assertUnique(
    entries,
    (e) => e.label,
    (e) => `entries share the label '${e.label}'; labels must be unique`,
  );
  assertUnique(
    entries,
    (e) => e.key,
    (e) => `entry '${e.label}' repeats a key listed earlier`,
  );
  return entries;
}

function parseEntry(text: string, position: number): ApiKeyEntry {
  if (text === "") fail(`entry ${position} is empty`);
  const colon = text.indexOf(":");
  const candidateLabel = colon > 0 ? text.slice(0, colon) : undefined;
  const labelled = candidateLabel !== undefined && LABEL.test(candidateLabel);
  const key = labelled ? text.slice(colon + 1) : text;
  const label = labelled
    ? candidateLabel
    : `key-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
  const name = `entry ${position} (label '${label}')`;
  if (key.length < MIN_API_KEY_LENGTH) {
    fail(`${name}: key has ${key.length} characters; at least ${MIN_API_KEY_LENGTH} are required`);
  }
  if (/\s/.test(key)) fail(`${name}: key contains whitespace`);
  return { label, key };
}

function assertUnique(
  entries: readonly ApiKeyEntry[],
  keyOf: (e: ApiKeyEntry) => string,
  message: (e: ApiKeyEntry) => string,
): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(keyOf(entry))) fail(message(entry));
    seen.add(keyOf(entry));
  }
}

function fail(allowed: string): never {
  throw new ConfigError("MCP_API_KEYS", REDACTED, allowed);
}
