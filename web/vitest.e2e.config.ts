import { defineConfig } from 'vitest/config'

// The browser scenario (scripts/e2e.sh starts the runner and the pages, then runs this).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
})
