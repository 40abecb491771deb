export * from "./validation-error";
export * from "./azapi/provider";
export * from "./azapi/resource";
export * from "./mcp-entra-app";
export * from "./mcp-easy-auth";
