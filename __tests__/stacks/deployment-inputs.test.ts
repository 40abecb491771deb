import { deploymentInputsFromEnvironment } from "../../stacks/deployment-inputs";

describe("deploymentInputsFromEnvironment", () => {
  it("is empty without variables, so synth needs no configuration", () => {
    expect(deploymentInputsFromEnvironment({})).toEqual({});
  });

  it("reads the prebuilt image and the deployer principal", () => {
    const image = "acrmcpdev1234.azurecr.io/mcp-server@sha256:" + "a".repeat(64);
    expect(
      deploymentInputsFromEnvironment({
        MCP_SERVER_IMAGE: image,
        MCP_DEPLOYER_PRINCIPAL_ID: "66666666-7777-8888-9999-000000000000",
      }),
    ).toEqual({ serverImage: image, deployerPrincipalId: "66666666-7777-8888-9999-000000000000" });
  });

  it("fails when MCP_DEPLOYER_PRINCIPAL_ID is not a GUID", () => {
    expect(() => deploymentInputsFromEnvironment({ MCP_DEPLOYER_PRINCIPAL_ID: "deployer" })).toThrow(
      /MCP_DEPLOYER_PRINCIPAL_ID="deployer" is not valid: expected an object id \(GUID\)/,
    );
  });
});
