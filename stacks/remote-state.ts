/** Where Terraform state lives when not on the local disk: an Azure Storage blob container. */
export interface RemoteStateConfig {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
}

/**
 * Reads the remote state location from `TFSTATE_RESOURCE_GROUP`, `TFSTATE_STORAGE_ACCOUNT` and
 * `TFSTATE_CONTAINER` (default `tfstate`). Undefined when the storage account is not set: the stacks
 * then keep local state, so `npm run synth` needs no configuration.
 */
export function remoteStateFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): RemoteStateConfig | undefined {
  const storageAccountName = env.TFSTATE_STORAGE_ACCOUNT;
  if (!storageAccountName) return undefined;
  const resourceGroupName = env.TFSTATE_RESOURCE_GROUP;
  if (!resourceGroupName) {
    throw new Error("TFSTATE_RESOURCE_GROUP must be set when TFSTATE_STORAGE_ACCOUNT is");
  }
  return { resourceGroupName, storageAccountName, containerName: env.TFSTATE_CONTAINER || "tfstate" };
}
