import { alertQueries, requestLogLines, workbookQueries } from "../../constructs/monitoring-queries";
import { kqlErrors } from "./support/kql";

const queries = { ...alertQueries("ca-mcp-test"), ...workbookQueries("ca-mcp-test") };

describe("monitoring queries", () => {
  it.each(Object.entries(queries))(
    "%s parses and names only tables and columns of the workspace",
    (_, query) => {
      expect(kqlErrors(query)).toEqual([]);
    },
  );

  it("the checker rejects a column the workspace does not have", () => {
    expect(kqlErrors("AppRequests | summarize percentile(Duration, 95)")).toEqual([
      expect.stringMatching(/The name 'Duration' does not refer to any known column/),
    ]);
  });

  it("the checker rejects a table the workspace does not have", () => {
    expect(kqlErrors("ContainerAppConsoleLogs | count")).toEqual([
      expect.stringMatching(/The name 'ContainerAppConsoleLogs' does not refer to any known table/),
    ]);
  });

  it("the checker rejects a syntax error", () => {
    expect(kqlErrors("AppRequests | summarize count( by Name").length).toBeGreaterThan(0);
  });

  it("request log lines filter on the container app and the server's own log message", () => {
    const query = requestLogLines("ca-x");
    expect(query).toContain('ContainerAppName_s == "ca-x"');
    expect(query).toContain('tostring(entry.msg) == "request"');
  });
});
