/**
 * Environment variable names that carry credentials. A plain value under such a name is refused by
 * `McpContainerApp` and flagged by `McpPolicyChecks`: it would land in the Terraform state and the
 * container app's configuration in clear text.
 */
export const SECRET_LOOKING_NAME =
  /SECRET|PASSWORD|PASSWD|CONNECTION_?STRING|API_?KEY|TOKEN|PRIVATE_?KEY|CREDENTIAL/i;

/** Whether a variable name suggests a secret, so its value must come by reference, never in plain text. */
export function looksSecret(name: string): boolean {
  return SECRET_LOOKING_NAME.test(name);
}
