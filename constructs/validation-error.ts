import { Construct } from "constructs";

/**
 * The one error every construct in this library throws for bad input. The message names the construct
 * path, the field, the bad value and what is allowed.
 */
export class ValidationError extends Error {
  constructor(scope: Construct, className: string, message: string) {
    super(`${className} '${scope.node.path}': ${message}`);
    this.name = "ValidationError";
  }
}
