import { defineConfig } from 'vitest/config'

// Unit tests of the pages' own logic (node: WebCrypto and Intl are there as in a browser).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
})
