import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./support/run-script";

const DIGEST = `sha256:${"ab".repeat(32)}`;

/**
 * Stand-ins for the Azure CLI and the Docker engine (neither can run here): each records its arguments, one
 * line per call, and answers as the real one would for the case under test.
 */
function standIns(): { bin: string; log: string; output: string; context: string } {
  const bin = mkdtempSync(join(tmpdir(), "build-image-bin-"));
  const log = join(bin, "calls.log");
  writeFileSync(log, "");
  const record = `printf '%s\\n' "$(basename "$0") $*" >> "${log}"`;
  const az = [
    "#!/usr/bin/env bash",
    record,
    'case "$1 $2" in',
    '  "acr build") if [ -n "${FAKE_ACR_BUILD_ERROR:-}" ]; then echo "${FAKE_ACR_BUILD_ERROR}" >&2; exit 1; fi; echo "Run ID: ca1 was successful" ;;',
    '  "acr login") echo "Login Succeeded" ;;',
    '  "acr repository") echo "${FAKE_DIGEST}" ;;',
    "esac",
  ].join("\n");
  const docker = ["#!/usr/bin/env bash", record, 'exit "${FAKE_DOCKER_EXIT:-0}"'].join("\n");
  for (const [name, body] of Object.entries({ az, docker })) {
    writeFileSync(join(bin, name), `${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return {
    bin,
    log,
    output: join(bin, "github-output"),
    context: mkdtempSync(join(tmpdir(), "image-context-")),
  };
}

async function buildImage(env: Record<string, string> = {}) {
  const fakes = standIns();
  writeFileSync(fakes.output, "");
  const result = await runScript("build-image.mjs", [], {
    PATH: `${fakes.bin}:${process.env.PATH ?? ""}`,
    GITHUB_OUTPUT: fakes.output,
    REGISTRY_NAME: "acrmcpdev1a2b3c4d",
    LOGIN_SERVER: "acrmcpdev1a2b3c4d.azurecr.io",
    IMAGE_REPOSITORY: "mcp-server",
    IMAGE_TAG: "0123abc",
    DOCKERFILE: "server/Dockerfile",
    BUILD_CONTEXT: fakes.context,
    FAKE_DIGEST: DIGEST,
    ...env,
  });
  const calls = readFileSync(fakes.log, "utf8").split("\n").filter(Boolean);
  return { ...result, calls, output: readFileSync(fakes.output, "utf8"), context: fakes.context };
}

describe("image build (.github/scripts/build-image.mjs)", () => {
  it("builds with ACR Tasks and hands the digest reference to the next steps", async () => {
    const result = await buildImage();
    expect(result.code).toBe(0);
    expect(result.calls).toEqual([
      `az acr build --registry acrmcpdev1a2b3c4d --image mcp-server:0123abc --file server/Dockerfile ${result.context}`,
      "az acr repository show --name acrmcpdev1a2b3c4d --image mcp-server:0123abc --query digest -o tsv",
    ]);
    expect(result.output).toBe(`ref=acrmcpdev1a2b3c4d.azurecr.io/mcp-server@${DIGEST}\ndigest=${DIGEST}\n`);
  });

  it("builds with Docker on the runner and pushes after az acr login when ACR Tasks are not allowed", async () => {
    const result = await buildImage({
      FAKE_ACR_BUILD_ERROR:
        "(TasksOperationsNotAllowed) ACR Tasks requests for the registry are not permitted. Please file an Azure support request",
    });
    expect(result.code).toBe(0);
    const reference = "acrmcpdev1a2b3c4d.azurecr.io/mcp-server:0123abc";
    expect(result.calls.slice(1)).toEqual([
      "az acr login --name acrmcpdev1a2b3c4d",
      `docker build --platform linux/amd64 --file ${join(result.context, "server/Dockerfile")} --tag ${reference} ${result.context}`,
      `docker push ${reference}`,
      "az acr repository show --name acrmcpdev1a2b3c4d --image mcp-server:0123abc --query digest -o tsv",
    ]);
    expect(result.stdout).toContain(
      "::notice::ACR Tasks are not allowed in this subscription (TasksOperationsNotAllowed)",
    );
    expect(result.output).toBe(`ref=acrmcpdev1a2b3c4d.azurecr.io/mcp-server@${DIGEST}\ndigest=${DIGEST}\n`);
  });

  it("fails without falling back when az acr build fails for another reason", async () => {
    const result = await buildImage({ FAKE_ACR_BUILD_ERROR: "Dockerfile parse error line 3" });
    expect(result.code).toBe(1);
    expect(result.calls).toHaveLength(1);
    expect(result.stderr).toContain("Dockerfile parse error line 3");
    expect(result.stderr).toContain("build-image failed: az acr build failed (exit 1)");
    expect(result.output).toBe("");
  });

  it("fails when the Docker fallback cannot push", async () => {
    const result = await buildImage({
      FAKE_ACR_BUILD_ERROR: "TasksOperationsNotAllowed",
      FAKE_DOCKER_EXIT: "1",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("build-image failed: docker build failed (exit 1)");
    expect(result.output).toBe("");
  });

  it("fails when the registry reports no digest", async () => {
    const result = await buildImage({ FAKE_DIGEST: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'the registry should report a sha256 digest for mcp-server:0123abc (got "")',
    );
  });

  it("refuses to start without its configuration, naming every missing variable", async () => {
    const result = await runScript("build-image.mjs", [], { REGISTRY_NAME: "acr" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "LOGIN_SERVER, IMAGE_REPOSITORY, IMAGE_TAG, DOCKERFILE, BUILD_CONTEXT must be set",
    );
  });
});
