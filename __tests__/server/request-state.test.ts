import { randomBytes } from "node:crypto";
import type { ServerContext } from "@modelcontextprotocol/server";
import type { CallerIdentity } from "../../server/auth";
import {
  createRequestStateSigner,
  REQUEST_STATE_TTL_SECONDS,
  RequestStateError,
} from "../../server/request-state";

// The context a tool handler gets, reduced to what the signer reads: the caller the auth layer recorded.
function contextOf(id: string): ServerContext {
  const caller: CallerIdentity = { kind: "apikey", id, apiKeyLabel: id, scopes: [], roles: [] };
  return {
    http: { authInfo: { token: "", clientId: id, scopes: [], extra: { caller } } },
  } as unknown as ServerContext;
}

const alice = contextOf("alice");
const bob = contextOf("bob");

afterEach(() => jest.restoreAllMocks());

describe("createRequestStateSigner", () => {
  it("verifies its own state for the same caller and returns the payload", async () => {
    const signer = createRequestStateSigner(randomBytes(32));
    const state = await signer.sign({ action: "restart" }, alice);
    await expect(signer.verify(state, alice)).resolves.toEqual({ action: "restart" });
  });

  it("refuses another caller", async () => {
    const signer = createRequestStateSigner(randomBytes(32));
    const state = await signer.sign({ action: "restart" }, alice);
    await expect(signer.verify(state, bob)).rejects.toMatchObject({ reason: "bind" });
  });

  it("refuses a state signed under another key (another replica without a shared key)", async () => {
    const state = await createRequestStateSigner(randomBytes(32)).sign({ action: "restart" }, alice);
    await expect(createRequestStateSigner(randomBytes(32)).verify(state, alice)).rejects.toThrow(
      /integrity check/,
    );
  });

  it("refuses a state after its expiry", async () => {
    const signer = createRequestStateSigner(randomBytes(32));
    const now = Date.now();
    const state = await signer.sign({ action: "restart" }, alice);
    jest.spyOn(Date, "now").mockReturnValue(now + (REQUEST_STATE_TTL_SECONDS + 2) * 1000);
    await expect(signer.verify(state, alice)).rejects.toThrow(/expired/);
  });

  it("accepts a state just before its expiry", async () => {
    const signer = createRequestStateSigner(randomBytes(32));
    const now = Date.now();
    const state = await signer.sign({ action: "restart" }, alice);
    jest.spyOn(Date, "now").mockReturnValue(now + (REQUEST_STATE_TTL_SECONDS - 2) * 1000);
    await expect(signer.verify(state, alice)).resolves.toEqual({ action: "restart" });
  });

  it("refuses garbage as malformed, with a RequestStateError", async () => {
    const signer = createRequestStateSigner(randomBytes(32));
    const refusal = signer.verify("not-a-state", alice);
    await expect(refusal).rejects.toBeInstanceOf(RequestStateError);
    await expect(refusal).rejects.toMatchObject({ reason: "malformed" });
  });

  it("fails when the key is shorter than 32 bytes", () => {
    expect(() => createRequestStateSigner(randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});
