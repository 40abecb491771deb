/** A GUID as Entra ID and Azure write them (tenant, client, object and workspace ids); any letter case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
