/**
 * Turns one synthesized stack (`cdk.tf.json`) into a Graphviz DOT graph: a node per resource and data
 * source, an edge per reference (`${type.name.attr}` anywhere in its arguments, or `depends_on`), nodes
 * grouped into clusters by the construct that created them. Everything is sorted, so the same stack gives
 * the same DOT text byte for byte; attribute values (hashes, names) never reach a label.
 */

type Block = Record<string, unknown> & { "//"?: { metadata?: { path?: string } } };
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

interface Node {
  readonly address: string;
  /** Construct path below the stack, e.g. `Environment/Workspace`. */
  readonly path: string;
  readonly type: string;
  readonly data: boolean;
  readonly block: Block;
}

/** References to these are everywhere and carry no information: drawn faint. */
const BACKGROUND_TYPES = new Set([
  "azurerm_resource_group",
  "azurerm_client_config",
  "azuread_client_config",
]);

function nodesOf(stack: SynthesizedStack): Node[] {
  const nodes: Node[] = [];
  for (const [kind, blocks] of [
    ["resource", stack.resource ?? {}],
    ["data", stack.data ?? {}],
  ] as const) {
    for (const [type, byName] of Object.entries(blocks)) {
      for (const [name, block] of Object.entries(byName)) {
        const fullPath = block["//"]?.metadata?.path ?? name;
        nodes.push({
          address: kind === "data" ? `data.${type}.${name}` : `${type}.${name}`,
          path: fullPath.split("/").slice(1).join("/"),
          type,
          data: kind === "data",
          block,
        });
      }
    }
  }
  return nodes.sort((a, b) => a.path.localeCompare(b.path) || a.address.localeCompare(b.address));
}

function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => stringsIn(item, out));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) if (key !== "//") stringsIn(child, out);
  }
  return out;
}

function referencesOf(node: Node, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const text of stringsIn(node.block)) {
    for (const match of text.matchAll(/(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+/g)) {
      if (known.has(match[0]) && match[0] !== node.address) found.add(match[0]);
    }
  }
  return [...found].sort();
}

const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** A short, readable label: the construct id and the resource type without its provider prefix. */
function labelOf(node: Node): string {
  const id = node.path.split("/").pop() ?? node.path;
  const type = node.type.replace(/^(azurerm|azuread)_/, "");
  return `${id}\n${node.data ? "data " : ""}${type}`;
}

/** The DOT text of one stack. */
export function stackToDot(stackName: string, stack: SynthesizedStack): string {
  const nodes = nodesOf(stack);
  const known = new Set(nodes.map((node) => node.address));
  const typeOf = new Map(nodes.map((node) => [node.address, node.type]));
  const lines = [
    `digraph ${quote(stackName)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, label=${quote(stackName)}, labelloc=t, nodesep=0.25, ranksep=0.6];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#eef4fb", color="#4a78b0", fontname="Helvetica", fontsize=10];',
    '  edge [color="#555555", arrowsize=0.6];',
  ];
  // Clusters: one per construct that holds resources, named by its path.
  const byCluster = new Map<string, Node[]>();
  for (const node of nodes) {
    const cluster = node.path.split("/").slice(0, -1).join("/");
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), node]);
  }
  const nodeLine = (node: Node, indent: string) =>
    `${indent}${quote(node.address)} [label=${quote(labelOf(node))}${node.data ? ', style="rounded,dashed", fillcolor="#ffffff"' : ""}];`;
  [...byCluster.keys()].sort().forEach((cluster, i) => {
    const members = byCluster.get(cluster)!;
    if (cluster === "") {
      members.forEach((node) => lines.push(nodeLine(node, "  ")));
      return;
    }
    lines.push(`  subgraph cluster_${i} {`);
    lines.push(`    label=${quote(cluster)}; style="rounded"; color="#9aa5b1"; fontsize=11;`);
    members.forEach((node) => lines.push(nodeLine(node, "    ")));
    lines.push("  }");
  });
  for (const node of nodes) {
    for (const target of referencesOf(node, known)) {
      const faint = BACKGROUND_TYPES.has(typeOf.get(target) ?? "");
      lines.push(
        `  ${quote(node.address)} -> ${quote(target)}${faint ? ' [style=dotted, color="#bbbbbb"]' : ""};`,
      );
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
