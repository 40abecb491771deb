// Parses every workflow under .github/workflows with GitHub's own parser (@actions/workflow-parser) and prints,
// per file, the schema errors, the converted template (normalized events and jobs) and the validated document
// as plain JSON. Run through tsx: the parser imports its JSON schema without an import attribute, which plain
// Node refuses and which jest's CommonJS runtime cannot load as ES modules.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isLiteral,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";

function plain(token) {
  if (isMapping(token))
    return Object.fromEntries([...token].map((pair) => [pair.key.toString(), plain(pair.value)]));
  if (isSequence(token)) return [...token].map(plain);
  if (isBasicExpression(token)) return token.toDisplayString();
  if (isLiteral(token)) return token.value ?? null;
  return token.toString();
}

const directory = process.argv[2];
const result = {};
for (const name of readdirSync(directory).filter((file) => /\.ya?ml$/.test(file))) {
  const parsed = parseWorkflow(
    { name, content: readFileSync(join(directory, name), "utf8") },
    new NoOperationTraceWriter(),
  );
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  const template = parsed.value ? await convertWorkflowTemplate(parsed.context, parsed.value) : undefined;
  result[name] = {
    errors: [...errors, ...(template?.errors ?? []).map((error) => error.Message)],
    events: template?.events,
    jobIds: template?.jobs?.map((job) => job.id.toString()),
    document: parsed.value ? plain(parsed.value) : undefined,
  };
}
process.stdout.write(JSON.stringify(result));
