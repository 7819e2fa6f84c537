import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { localSignInShim, previewProxy } from './scripts/preview-shim'

// The pages are served at `/` beside the API (same origin, relative URLs). `vite preview` only
// proxies the API when scripts/e2e.sh asks it to, for a runner that cannot serve the pages itself.
export default defineConfig({
  base: './',
  plugins: [
    vue(),
    // Element Plus on demand: only the components a page uses, with their CSS.
    Components({ resolvers: [ElementPlusResolver()], dts: 'src/components.d.ts' }),
    localSignInShim(),
  ],
  preview: {
    proxy: previewProxy(),
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 900,
  },
})
