import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  defaultImageContext,
  stageImageContext,
  STAGED_IMAGE_CONTEXT,
} from "../../../constructs/private/image-context";
import { buildContext } from "../support/common";

const checkout = () =>
  buildContext({
    "tsconfig.json": "{}\n",
    ".dockerignore": "*\n!server/\n",
    "server/node_modules/x/index.js": "",
  });

describe("image context", () => {
  it("stages the build context: the root files and server/, without node_modules", () => {
    const root = checkout();
    stageImageContext(root);
    const staged = path.join(root, STAGED_IMAGE_CONTEXT);
    for (const file of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      ".dockerignore",
      "server/main.ts",
    ]) {
      expect(readFileSync(path.join(staged, file), "utf8")).toBe(readFileSync(path.join(root, file), "utf8"));
    }
    expect(existsSync(path.join(staged, "server", "node_modules"))).toBe(false);
  });

  it("fails staging when a root file of the context is missing, naming it", () => {
    const root = buildContext();
    rmSync(path.join(root, "tsconfig.json"));
    expect(() => stageImageContext(root)).toThrow(/tsconfig\.json/);
  });

  it("uses the root of a checkout and the staged copy of an installed package", () => {
    const root = checkout();
    stageImageContext(root);
    expect(defaultImageContext(root)).toBe(root);

    const installed = mkdtempSync(path.join(tmpdir(), "installed-package-"));
    mkdirSync(path.join(installed, STAGED_IMAGE_CONTEXT), { recursive: true });
    writeFileSync(path.join(installed, "package.json"), "{}");
    expect(defaultImageContext(installed)).toBe(path.join(installed, STAGED_IMAGE_CONTEXT));
  });
});
