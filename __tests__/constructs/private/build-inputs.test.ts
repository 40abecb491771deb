import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildInputFiles, dockerfileSources } from "../../../constructs/private/build-inputs";
import { buildContext } from "../support/common";

const root = path.resolve(__dirname, "..", "..", "..");

describe("dockerfileSources", () => {
  it("reads COPY and ADD sources across line continuations, in shell and JSON form", () => {
    const dockerfile = [
      "# syntax=docker/dockerfile:1",
      "FROM node:22 AS build",
      "COPY package.json package-lock.json \\",
      "  tsconfig.json ./",
      'COPY ["server", "./server"]',
      "add --chown=node:node ./assets/ /app/assets",
      "RUN npm ci",
    ].join("\n");
    expect(dockerfileSources(dockerfile)).toEqual([
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "server",
      "assets",
    ]);
  });

  it("leaves out copies from other stages or images, heredocs and remote ADD sources", () => {
    const dockerfile = [
      "COPY --from=build /build/dist ./dist",
      "COPY --link --from=node:22 /usr/local/bin/node /node",
      "COPY <<EOF /app/config.txt",
      "ADD https://example.com/tool.tgz /tmp/",
      "ADD git@github.com:org/repo.git /src",
      "COPY . /context",
    ].join("\n");
    expect(dockerfileSources(dockerfile)).toEqual(["."]);
  });
});

describe("buildInputFiles", () => {
  it("lists what this repository's Dockerfile copies: the manifests, tsconfig.json and server/ without Markdown", () => {
    const files = buildInputFiles(root, "server/Dockerfile");
    for (const file of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "server/main.ts",
      ".dockerignore",
    ]) {
      expect(files).toContain(file);
    }
    expect(files).toContain("server/Dockerfile");
    expect(files.filter((file) => file.endsWith(".md"))).toEqual([]);
    expect(
      files.filter(
        (file) => !/^(server\/|package(-lock)?\.json$|tsconfig\.json$|\.dockerignore$)/.test(file),
      ),
    ).toEqual([]);
  });

  it("covers every context path the Dockerfile's COPY instructions name", () => {
    const dockerfile = readFileSync(path.join(root, "server", "Dockerfile"), "utf8");
    const files = buildInputFiles(root, "server/Dockerfile");
    for (const source of dockerfileSources(dockerfile)) {
      expect(files.some((file) => file === source || file.startsWith(`${source}/`))).toBe(true);
    }
  });

  it("expands globs within one path segment and ** across segments", () => {
    const context = buildContext({
      "server/Dockerfile": "FROM x\nCOPY conf/*.json ./\nCOPY docs/**/*.txt ./\n",
      "conf/a.json": "{}",
      "conf/nested/b.json": "{}",
      "docs/x.txt": "x",
      "docs/deep/y.txt": "y",
      ".dockerignore": "",
    });
    expect(buildInputFiles(context, "server/Dockerfile")).toEqual([
      ".dockerignore",
      "conf/a.json",
      "docs/deep/y.txt",
      "docs/x.txt",
      "server/Dockerfile",
    ]);
  });

  it("applies .dockerignore in order: the last matching line decides", () => {
    const context = buildContext({
      "server/Dockerfile": "FROM x\nCOPY . .\n",
      ".dockerignore": "server\n!server/keep.ts\n*.json\n",
      "server/keep.ts": "1",
      "server/drop.ts": "2",
    });
    expect(buildInputFiles(context, "server/Dockerfile")).toEqual([
      ".dockerignore",
      "server/Dockerfile",
      "server/keep.ts",
    ]);
  });

  it("lists nothing the build would copy when the Dockerfile is missing", () => {
    const context = buildContext({ "server/Dockerfile": "" });
    expect(buildInputFiles(context, "server/Other.Dockerfile")).toEqual([".dockerignore"]);
  });
});
