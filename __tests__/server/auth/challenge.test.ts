import { bearerChallenge } from "../../../server/auth/challenge";

// The WWW-Authenticate challenge is how a client finds where to sign in (RFC 6750 §3, RFC 9728): a value
// that breaks out of its quotes could inject parameters a client would follow.
describe("bearerChallenge: a well-formed challenge whatever the values", () => {
  it("with no parameters it is the bare scheme", () => {
    expect(bearerChallenge({})).toBe("Bearer");
  });

  it("parameters are quoted, in order, comma-separated", () => {
    expect(bearerChallenge({ error: "invalid_token", resource_metadata: "https://h/x" })).toBe(
      'Bearer error="invalid_token", resource_metadata="https://h/x"',
    );
  });

  it("undefined parameters are left out, and only they", () => {
    expect(bearerChallenge({ error: undefined, scope: "" })).toBe('Bearer scope=""');
    expect(bearerChallenge({ error: undefined })).toBe("Bearer");
  });

  it("every quote and backslash in a value is replaced, so a value cannot close its quotes", () => {
    expect(bearerChallenge({ error_description: 'a"b\\c"d", x="y' })).toBe(
      "Bearer error_description=\"a'b'c'd', x='y\"",
    );
  });
});
