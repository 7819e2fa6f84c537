import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// Unit tests of the pages' own logic (node: WebCrypto and Intl are there as in a browser); the
// components are rendered to HTML with Vue's server renderer (tests/form-view.test.ts).
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
})
