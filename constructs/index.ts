export * from "./validation-error";
