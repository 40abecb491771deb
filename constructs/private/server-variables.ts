import type { ContainerAppTemplateContainerEnv } from "@cdktf/provider-azurerm/lib/container-app";
import type { ServerVariable } from "../../server/contract";

/**
 * The server's variables, typed by the contract: a name the server does not read (a typo, a rename on one
 * side) fails the type check.
 */
export function serverVariable(name: ServerVariable, value: string): ContainerAppTemplateContainerEnv {
  return { name, value };
}

/** A server variable filled from a Container App secret (`secretRef`). */
export function serverSecretVariable(
  name: ServerVariable,
  secretName: string,
): ContainerAppTemplateContainerEnv {
  return { name, secretName };
}
