import * as library from "../../constructs";

describe("package entry (Entra and Easy Auth)", () => {
  it("exports the azapi binding, McpEntraApp and McpEasyAuth", () => {
    for (const name of ["AzapiProvider", "AzapiResource", "McpEntraApp", "McpEasyAuth", "ValidationError"]) {
      expect(typeof (library as Record<string, unknown>)[name]).toBe("function");
    }
  });
});
