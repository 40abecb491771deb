import { McpServer } from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";

/** `whoami {}`: the caller as authentication saw it, never its token or key. */
export function registerWhoami(server: McpServer): void {
  server.registerTool(
    "whoami",
    {
      title: "Who am I",
      description:
        "Describes the caller as the server's authentication saw it: name, UPN, object id, tenant, scopes and roles, or the API key's label, or anonymous. Never returns a token.",
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (ctx) => {
      const caller = callerOf(ctx.http?.authInfo) ?? ANONYMOUS_CALLER;
      // Copy field by field so nothing the auth layer adds later (a token, a key) can leak through.
      const described = {
        kind: caller.kind,
        id: caller.id,
        name: caller.name,
        upn: caller.upn,
        objectId: caller.objectId,
        tenantId: caller.tenantId,
        appId: caller.appId,
        scopes: [...caller.scopes],
        roles: [...caller.roles],
        apiKeyLabel: caller.apiKeyLabel,
      };
      const structuredContent = Object.fromEntries(
        Object.entries(described).filter(([, v]) => v !== undefined),
      );
      return { content: [{ type: "text", text: JSON.stringify(structuredContent) }], structuredContent };
    },
  );
}
