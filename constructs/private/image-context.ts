import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";

/**
 * The files of the server image's build context besides `server/`: what `.dockerignore` lets through to
 * `server/Dockerfile`.
 */
export const IMAGE_CONTEXT_ROOT_FILES = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  ".dockerignore",
];

/**
 * Where `npm pack` (prepack) stages a copy of the build context inside the package: npm never packs a
 * root `package-lock.json`, which the Dockerfile's `npm ci` needs, but it packs one in a subdirectory.
 */
export const STAGED_IMAGE_CONTEXT = path.join("dist", "image-context");

/** Copies the build context of `packageRoot` (a checkout) to `target`, replacing what was there. */
export function stageImageContext(
  packageRoot: string,
  target = path.join(packageRoot, STAGED_IMAGE_CONTEXT),
): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of IMAGE_CONTEXT_ROOT_FILES) cpSync(path.join(packageRoot, file), path.join(target, file));
  cpSync(path.join(packageRoot, "server"), path.join(target, "server"), {
    recursive: true,
    filter: (source) => path.basename(source) !== "node_modules",
  });
}

/**
 * The build context of a package root: the root itself in a checkout (it has `package-lock.json`), the
 * staged copy in an installed package (it has none).
 */
export function defaultImageContext(packageRoot: string): string {
  const staged = path.join(packageRoot, STAGED_IMAGE_CONTEXT);
  return !existsSync(path.join(packageRoot, "package-lock.json")) && existsSync(staged)
    ? staged
    : packageRoot;
}
