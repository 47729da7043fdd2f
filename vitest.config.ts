import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // The core starts with `import "server-only"`; under test it is simply allowed.
  "server-only": path.resolve(import.meta.dirname, "lib/testing/server-only-stub.ts"),
};
const integration = ["lib/**/*.int.test.ts", "app/**/*.int.test.ts"];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts"], exclude: [...integration, "**/*.pg.test.ts"] },
      },
      {
        resolve: { alias },
        test: {
          name: "pglite",
          include: integration,
          env: { ROSTER_TEST_DB: "pglite" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              resolve: { alias },
              test: {
                name: "postgres",
                include: [...integration, "lib/**/*.pg.test.ts"],
                env: { ROSTER_TEST_DB: "postgres" },
                testTimeout: 120_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
