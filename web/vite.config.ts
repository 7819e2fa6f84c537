import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The pages are served at `/` beside the API (same origin, relative URLs): by `award-local serve`
// locally, by CloudFront in production.
export default defineConfig({
  base: './',
  plugins: [
    vue(),
    // Element Plus on demand: only the components a page uses, with their CSS.
    Components({ resolvers: [ElementPlusResolver()], dts: 'src/components.d.ts' }),
  ],
  build: {
    target: 'es2022',
    // dist/.vite/manifest.json: which chunks the entry loads and which each page adds
    // (scripts/measure.mjs reads it for the bundle figures).
    manifest: true,
    chunkSizeWarningLimit: 900,
  },
})
