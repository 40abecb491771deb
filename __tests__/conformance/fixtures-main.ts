import { serveFixtures } from "./support/serve-fixtures";

// `npm run conformance:fixtures`: the fixtures server on PORT (default 8000) at /mcp until SIGINT/SIGTERM.
async function main(): Promise<void> {
  const raw = process.env.PORT ?? "8000";
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    process.stderr.write(
      `PORT=${JSON.stringify(raw)} is not valid: expected a whole number from 0 to 65535\n`,
    );
    process.exit(1);
  }
  const fixtures = await serveFixtures(port);
  process.stdout.write(`conformance fixtures on ${fixtures.url}\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void fixtures.close().then(() => process.exit(0)));
  }
}

void main();
