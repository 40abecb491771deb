import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  {
    ignores: ["node_modules/", "dist/", "cdktf.out/", "coverage/", ".stryker-tmp/", "reports/", "**/*.d.ts"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    // cdktn consumers can hold two physical copies of the engine: use the libraries' isX guards instead.
    files: ["constructs/**/*.ts", "stacks/**/*.ts", "main.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "BinaryExpression[operator='instanceof'][right.name=/^(Terraform|Construct$|App$|Aspects$)/]",
          message: "instanceof fails across two copies of cdktf/cdktn; use the class's static isX guard",
        },
      ],
    },
  },
  {
    // Units a reader can hold: split a longer function along its seams (named stages, one render per block).
    files: ["constructs/**/*.ts", "stacks/**/*.ts", "server/**/*.ts"],
    rules: {
      "max-lines-per-function": ["warn", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
