/**
 * Snapshot serializer for the cdktn run: shows a synthesized stack the way cdktf 0.21 prints it, so both
 * engines are held to the one snapshot the main suite keeps. Exactly two differences are translated:
 * - provider pins: each cdktn-built binding pins its own Terraform provider version (azurerm 4.73.0, random
 *   3.9.1); the pin of the cdktn binding is replaced by the pin of the cdktf binding for the same provider;
 * - empty objects and arrays: cdktf prints `{` and `}` on two lines, cdktn prints `{}`.
 * Anything else that differs still fails the snapshot.
 */
const { readFileSync } = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const BOUND_PROVIDERS = ["azurerm", "random"];

function pinOf(moduleRoot, provider) {
  const file = path.join(moduleRoot, "@cdktf", `provider-${provider}`, "lib", "provider", "index.js");
  const pin = /providerVersion: '([^']+)'/.exec(readFileSync(file, "utf8"))?.[1];
  if (!pin) throw new Error(`no providerVersion in ${file}`);
  return pin;
}

const PINS = BOUND_PROVIDERS.map((provider) => ({
  provider,
  cdktn: pinOf(path.join(__dirname, "node_modules"), provider),
  cdktf: pinOf(path.join(ROOT, "node_modules"), provider),
}));

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function asCdktfPrintsIt(json) {
  let printed = json.replace(/^( *)(.*)(\{\}|\[\])(,?)$/gm, (_line, indent, head, empty, comma) => {
    return `${indent}${head}${empty[0]}\n${indent}${empty[1]}${comma}`;
  });
  for (const { provider, cdktn, cdktf } of PINS) {
    const pinned = new RegExp(
      `("${provider}": \\{\\n\\s*"source": "[^"]*${provider}",\\n\\s*"version": )"${escapeRegExp(cdktn)}"`,
    );
    printed = printed.replace(pinned, `$1"${cdktf}"`);
  }
  return printed;
}

module.exports = {
  test: (value) => typeof value === "string" && value.includes('"required_providers"'),
  // jest's own string format (escapeString off), applied to the translated text.
  serialize: (value) => `"${asCdktfPrintsIt(value)}"`,
  asCdktfPrintsIt,
};
