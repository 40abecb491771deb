import { callerOf } from "../../../server/auth/middleware";
import { ANONYMOUS_CALLER } from "../../../server/auth/types";

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
  ])("returns undefined for %s", (_name, authInfo) => {
    expect(callerOf(authInfo)).toBeUndefined();
  });
});
