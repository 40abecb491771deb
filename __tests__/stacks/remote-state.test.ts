import { remoteStateFromEnvironment } from "../../stacks/remote-state";

describe("remoteStateFromEnvironment", () => {
  it("is undefined without a storage account, so synth needs no configuration", () => {
    expect(remoteStateFromEnvironment({})).toBeUndefined();
  });

  it("reads the storage account, resource group and container (default tfstate)", () => {
    expect(
      remoteStateFromEnvironment({
        TFSTATE_STORAGE_ACCOUNT: "sttf",
        TFSTATE_RESOURCE_GROUP: "rg-tf",
      }),
    ).toEqual({ storageAccountName: "sttf", resourceGroupName: "rg-tf", containerName: "tfstate" });
    expect(
      remoteStateFromEnvironment({
        TFSTATE_STORAGE_ACCOUNT: "sttf",
        TFSTATE_RESOURCE_GROUP: "rg-tf",
        TFSTATE_CONTAINER: "state",
      })?.containerName,
    ).toBe("state");
  });

  it("fails when the storage account is set without its resource group", () => {
    expect(() => remoteStateFromEnvironment({ TFSTATE_STORAGE_ACCOUNT: "sttf" })).toThrow(
      /TFSTATE_RESOURCE_GROUP must be set when TFSTATE_STORAGE_ACCOUNT is/,
    );
  });
});
