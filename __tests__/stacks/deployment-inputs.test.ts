import { App, Testing } from "cdktf";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";
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

describe("MCP_SERVER_IMAGE_DIGEST (the pipeline's promoted image)", () => {
  const digest = "sha256:" + "c".repeat(64);

  it("reads a sha256 digest and makes the stack run <its own registry>/mcp-server@<digest>", () => {
    const inputs = deploymentInputsFromEnvironment({ MCP_SERVER_IMAGE_DIGEST: digest });
    expect(inputs.serverImageDigest).toBe(digest);
    const prod = environments[1];
    const config = applyDeploymentInputs(prod, inputs);
    expect(config.image).toEqual({ source: "registry", digest });
    const json = JSON.parse(
      Testing.synth(new McpHostingStack(Testing.app() as App, prod.stackName, { environment: config })),
    ) as { resource: Record<string, Record<string, { template: { container: { image: string }[] } }>> };
    const [app] = Object.values(json.resource.azurerm_container_app);
    expect(app.template.container[0].image).toMatch(
      new RegExp(`^\\$\\{azurerm_container_registry\\.[\\w-]+\\.login_server\\}/mcp-server@${digest}$`),
    );
    // Nothing is built in the stack: the pipeline built (dev) or copied (prod) the digest.
    expect(json.resource.terraform_data ?? {}).toEqual({});
  });

  it("fails when it is not a sha256 digest, or when MCP_SERVER_IMAGE is set too", () => {
    expect(() => deploymentInputsFromEnvironment({ MCP_SERVER_IMAGE_DIGEST: "latest" })).toThrow(
      'MCP_SERVER_IMAGE_DIGEST="latest" is not valid: expected sha256:<64 lowercase hex digits>',
    );
    expect(() =>
      deploymentInputsFromEnvironment({
        MCP_SERVER_IMAGE_DIGEST: digest,
        MCP_SERVER_IMAGE: "acr.azurecr.io/mcp-server@" + digest,
      }),
    ).toThrow(/MCP_SERVER_IMAGE and MCP_SERVER_IMAGE_DIGEST are both set/);
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
