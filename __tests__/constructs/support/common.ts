import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Construct } from "constructs";
import { McpEnvironment } from "../../../constructs/mcp-environment";

export const placement = { resourceGroupName: "rg-test", location: "northeurope" } as const;

export function testEnvironment(
  scope: Construct,
  props: { applicationInsightsEnabled?: boolean } = {},
): McpEnvironment {
  return new McpEnvironment(scope, "Env", { ...placement, baseName: "test", ...props });
}

/**
 * A throwaway build context shaped like this repository: server/ with a Dockerfile that copies the npm
 * manifests, tsconfig.json and server/, and a .dockerignore that leaves out Markdown under server/.
 */
export function buildContext(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-context-"));
  const all: Record<string, string> = {
    "server/main.ts": "console.log('hi');\n",
    "server/tools/echo.ts": "export const echo = 1;\n",
    "server/Dockerfile": [
      "FROM node:22-slim AS build",
      "COPY package.json package-lock.json \\",
      "     tsconfig.json ./",
      "COPY server ./server",
      "FROM node:22-slim",
      "COPY --from=build /build/dist ./dist",
      "",
    ].join("\n"),
    ".dockerignore": "*\n!package.json\n!package-lock.json\n!tsconfig.json\n!server/\nserver/**/*.md\n",
    "package.json": '{ "name": "x" }\n',
    "package-lock.json": '{ "lockfileVersion": 3 }\n',
    "tsconfig.json": '{ "compilerOptions": {} }\n',
    ...files,
  };
  for (const [file, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The synthesized configurations of every resource of `type`, for assertions on references. */
export function resources(synth: string, type: string): Record<string, unknown>[] {
  const config = JSON.parse(synth) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return Object.values(config.resource?.[type] ?? {});
}

/** A Terraform reference to an attribute of any resource of `type`. */
export function referenceTo(type: string, attribute: string): unknown {
  return expect.stringMatching(new RegExp(`\\$\\{${type}\\.\\w+\\.${attribute}\\}`));
}
