import { applyDeploymentInputs, deploymentInputsFromEnvironment } from "../../stacks/deployment-inputs";
import { environments } from "../../stacks/environments";

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

  it("reads MCP_IMAGE_BUILD", () => {
    expect(deploymentInputsFromEnvironment({ MCP_IMAGE_BUILD: "docker" }).imageBuild).toBe("docker");
    expect(deploymentInputsFromEnvironment({ MCP_IMAGE_BUILD: "acr" }).imageBuild).toBe("acr");
  });

  it("fails when MCP_IMAGE_BUILD is neither acr nor docker, naming the value and the choices", () => {
    expect(() => deploymentInputsFromEnvironment({ MCP_IMAGE_BUILD: "local" })).toThrow(
      'MCP_IMAGE_BUILD="local" is not valid: expected acr or docker (docker builds locally where ACR Tasks are not allowed)',
    );
  });
});

describe("applyDeploymentInputs", () => {
  const dev = environments[0];

  it("keeps the checked-in environment without inputs", () => {
    expect(applyDeploymentInputs(dev, {})).toBe(dev);
  });

  it("switches the bundled build to local Docker with MCP_IMAGE_BUILD=docker", () => {
    expect(dev.image).toEqual({ source: "bundled" });
    expect(applyDeploymentInputs(dev, { imageBuild: "docker" }).image).toEqual({
      source: "bundled",
      build: "docker",
    });
  });

  it("runs a prebuilt image instead of building, whatever the builder", () => {
    const image = "acr.azurecr.io/mcp-server@sha256:" + "b".repeat(64);
    expect(applyDeploymentInputs(dev, { serverImage: image, imageBuild: "docker" }).image).toEqual({
      source: "existing",
      imageReference: image,
    });
  });
});
