/** Two API-key callers, for the tests that hold one caller apart from another. */
export const ALICE = "alice-key-0123456789abcdef";
export const BOB = "bob-key-fedcba9876543210ab";

/** apikey mode with Alice and Bob, the per-caller rate limit off (the tests count their own requests). */
export const ALICE_AND_BOB = {
  AUTH_MODE: "apikey",
  MCP_API_KEYS: `alice:${ALICE},bob:${BOB}`,
  MCP_RATE_LIMIT_PER_MINUTE: "0",
};

/** The header that makes a request come from the caller with `key`. */
export const as = (key: string): Record<string, string> => ({ "x-api-key": key });
