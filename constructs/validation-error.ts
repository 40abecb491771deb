import { IConstruct } from "constructs";

/**
 * The one error every construct in this library throws for bad input, at synth time. The message names the
 * construct (its class and path), then the field, the bad value and what is allowed:
 * `McpContainerApp 'prod/Server': maxReplicas must be >= minReplicas (got minReplicas=3, maxReplicas=1)`.
 */
export class ValidationError extends Error {
  /** @param scope the construct whose props are wrong; its class name and path prefix the message. */
  constructor(message: string, scope: IConstruct) {
    super(`${scope.constructor.name} '${scope.node.path}': ${message}`);
    this.name = "ValidationError";
  }
}
