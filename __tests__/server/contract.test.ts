import * as path from "node:path";
import {
  DEFAULTED_SERVER_VARIABLES,
  MANAGED_SERVER_VARIABLES,
  UPSTREAM_CHILD_ENV_PREFIX,
} from "../../server/contract";
import { environmentVariablesUnder } from "../docs/support/env-readers";

const read = environmentVariablesUnder(path.join(__dirname, "..", "..", "server"));

describe("the server reads every variable the constructs set (server/contract.ts)", () => {
  it.each([...MANAGED_SERVER_VARIABLES, ...DEFAULTED_SERVER_VARIABLES])("%s", (name) => {
    expect(read.has(name)).toBe(true);
  });

  it("reads the upstream child variables by the contract's prefix", () => {
    expect(read.has(`${UPSTREAM_CHILD_ENV_PREFIX}<NAME>`)).toBe(true);
  });
});
