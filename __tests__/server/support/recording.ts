import type { CallToolResult } from "@modelcontextprotocol/server";
import { ServerDeps } from "../../../server/create-mcp-server";

/** Records what each tool handler finally returned, to see the tool itself stop. */
export function recording(): { deps: ServerDeps; finished: CallToolResult[] } {
  const finished: CallToolResult[] = [];
  const deps: ServerDeps = {
    wrapToolHandler: async (_call, next) => {
      const result = await next();
      finished.push(result);
      return result;
    },
  };
  return { deps, finished };
}
