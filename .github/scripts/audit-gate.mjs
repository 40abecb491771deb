#!/usr/bin/env node
// Dependency gate for CI: fails on known high or critical vulnerabilities in production dependencies,
// except findings accepted in the allow-list (each with a reason and an expiry date).
//
//   node .github/scripts/audit-gate.mjs [--audit-json <file>] [--allowlist <file>] [--today YYYY-MM-DD]
//
// Without --audit-json it runs `npm audit --omit=dev --json` itself. Exit codes: 0 pass, 1 blocking
// findings, 2 the gate could not decide (bad allow-list, audit failed); it never passes on an error.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const BLOCKING = new Set(["high", "critical"]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

class GateError extends Error {}

function parseArgs(argv) {
  const options = { allowlist: ".github/audit-allowlist.json", today: new Date().toISOString().slice(0, 10) };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!["--audit-json", "--allowlist", "--today"].includes(flag) || value === undefined) {
      throw new GateError(
        `unknown or incomplete argument '${flag}'; allowed: --audit-json <file>, --allowlist <file>, --today YYYY-MM-DD`,
      );
    }
    options[flag.slice(2).replace("-json", "Json")] = value;
  }
  if (!DATE.test(options.today)) throw new GateError(`--today must be YYYY-MM-DD (got '${options.today}')`);
  return options;
}

function readAudit(auditJsonPath) {
  let text;
  if (auditJsonPath) {
    text = readFileSync(auditJsonPath, "utf8");
  } else {
    try {
      text = execFileSync("npm", ["audit", "--omit=dev", "--json"], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      // npm audit exits 1 when it finds anything; its JSON report is still on stdout.
      text = error.stdout ?? "";
    }
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    throw new GateError(
      `npm audit did not return JSON (first bytes: ${JSON.stringify(String(text).slice(0, 120))})`,
    );
  }
  if (report.auditReportVersion !== 2 || typeof report.vulnerabilities !== "object") {
    const reason = report.error?.summary || report.message || "no auditReportVersion 2 report";
    throw new GateError(`npm audit failed: ${reason}`);
  }
  return report;
}

function readAllowlist(path, today) {
  const file = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(file.entries)) throw new GateError(`${path}: 'entries' must be an array`);
  return file.entries.map((entry, index) => {
    const where = `${path}: entries[${index}]`;
    for (const field of ["id", "reason", "expires"]) {
      if (typeof entry[field] !== "string" || entry[field].trim() === "") {
        throw new GateError(
          `${where}.${field} must be a non-empty string (got ${JSON.stringify(entry[field])})`,
        );
      }
    }
    if (!/^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|\d+)$/.test(entry.id)) {
      throw new GateError(
        `${where}.id must be a GHSA id (GHSA-xxxx-xxxx-xxxx) or an npm advisory number (got '${entry.id}')`,
      );
    }
    if (!DATE.test(entry.expires) || Number.isNaN(Date.parse(entry.expires))) {
      throw new GateError(`${where}.expires must be a date YYYY-MM-DD (got '${entry.expires}')`);
    }
    if (entry.package !== undefined && typeof entry.package !== "string") {
      throw new GateError(
        `${where}.package must be a package name when given (got ${JSON.stringify(entry.package)})`,
      );
    }
    return { ...entry, expired: entry.expires < today };
  });
}

/** Every advisory in the report, once, with the package it was found in. */
function advisories(report) {
  const found = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== "object" || via === null) continue; // a package name: the advisory is listed there
      const ghsa = /GHSA(-[a-z0-9]{4}){3}/i.exec(via.url ?? "")?.[0];
      const key = `${via.source}:${via.name}`;
      if (!found.has(key)) {
        found.set(key, {
          source: String(via.source),
          ghsa,
          package: via.name,
          severity: via.severity,
          title: via.title,
          url: via.url,
        });
      }
    }
  }
  return [...found.values()];
}

function matches(entry, advisory) {
  const idMatches = entry.id === advisory.ghsa || entry.id === advisory.source;
  return idMatches && (entry.package === undefined || entry.package === advisory.package);
}

function run(argv) {
  const options = parseArgs(argv);
  const allowlist = readAllowlist(options.allowlist, options.today);
  const report = readAudit(options.auditJson);
  const blocking = advisories(report).filter((advisory) => BLOCKING.has(advisory.severity));

  const failures = [];
  const used = new Set();
  for (const advisory of blocking) {
    const label =
      `${advisory.severity.toUpperCase()} ${advisory.package}: ${advisory.title} (${advisory.ghsa ?? advisory.source}) ${advisory.url ?? ""}`.trim();
    const active = allowlist.find((entry) => !entry.expired && matches(entry, advisory));
    const expired = allowlist.find((entry) => entry.expired && matches(entry, advisory));
    if (active) {
      used.add(active);
      console.log(`accepted until ${active.expires}: ${label} — ${active.reason}`);
    } else if (expired) {
      used.add(expired);
      failures.push(`${label} — allow-list entry expired on ${expired.expires}`);
    } else {
      failures.push(label);
    }
  }
  for (const entry of allowlist.filter((e) => !used.has(e))) {
    console.log(
      `note: allow-list entry ${entry.id}${entry.expired ? ` expired on ${entry.expires}` : ""} matches no current finding; remove it`,
    );
  }
  if (failures.length > 0) {
    console.error(`audit gate: ${failures.length} high/critical finding(s) in production dependencies:`);
    for (const failure of failures) console.error(`  - ${failure}`);
    console.error(
      "Fix them (npm audit fix / upgrade) or accept one in .github/audit-allowlist.json with a reason and an expiry date.",
    );
    return 1;
  }
  console.log(`audit gate: passed (${blocking.length} high/critical finding(s), all accepted)`);
  return 0;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  console.error(`audit gate: cannot decide: ${error.message}`);
  process.exitCode = 2;
}
