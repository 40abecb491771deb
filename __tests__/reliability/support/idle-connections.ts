import type { RunningServer } from "../../server/support/test-server";

/**
 * Turns off the server's idle keep-alive timeout (Node's keepAliveTimeout, 5 s) for a test, so only the
 * client ever closes an idle connection. Otherwise, on a busy machine, a client can send its next request on
 * a connection the server is just closing as idle: "fetch failed" / "other side closed", a race between
 * the two ends that no server code could answer differently. With only the client closing, a reset is the
 * server's doing and fails the test as it should. Node's default stays in production.
 */
export function closeIdleConnectionsOnlyFromTheClient(server: RunningServer): void {
  server.http.keepAliveTimeout = 0;
}
