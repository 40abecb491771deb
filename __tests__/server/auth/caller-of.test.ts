import { callerOf } from "../../../server/auth/middleware";
import { ANONYMOUS_CALLER } from "../../../server/auth/types";
import * as auth from "../../../server/auth/index";

describe("callerOf", () => {
  test("returns the caller the middleware put on AuthInfo.extra", () => {
    expect(callerOf({ token: "", clientId: "c", scopes: [], extra: { caller: ANONYMOUS_CALLER } })).toBe(
      ANONYMOUS_CALLER,
    );
  });

  test.each([
    ["no AuthInfo", undefined],
    ["no extra", { token: "", clientId: "c", scopes: [] }],
    [
      "a caller that is not an identity",
      { token: "", clientId: "c", scopes: [], extra: { caller: "someone" } },
    ],
    ["a null caller", { token: "", clientId: "c", scopes: [], extra: { caller: null } }],
    ["an object without a kind", { token: "", clientId: "c", scopes: [], extra: { caller: { id: "x" } } }],
  ])("returns undefined for %s", (_name, authInfo) => {
    expect(callerOf(authInfo)).toBeUndefined();
  });
});

describe("server/auth index", () => {
  test("exposes the pieces createApp wires", () => {
    expect(Object.keys(auth).sort()).toEqual(
      [
        "ANONYMOUS_CALLER",
        "CORS_EXPOSED_HEADERS",
        "callerOf",
        "createAuthMiddleware",
        "parseAuthConfig",
        "protectedResourceMetadataRouter",
      ].sort(),
    );
    expect(auth.CORS_EXPOSED_HEADERS).toEqual(["Mcp-Session-Id", "WWW-Authenticate", "Mcp-Protocol-Version"]);
  });
});
