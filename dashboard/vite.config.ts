import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The app's sources live in src/ (Vite root), so the Svelte config one level up is named explicitly.
const svelteConfig = fileURLToPath(new URL('./svelte.config.js', import.meta.url));

export default defineConfig({
  root: 'src',
  plugins: [svelte({ configFile: svelteConfig })],
  build: {
    outDir: '../dist/app',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts alone is ~550 KB minified; the budget that matters is <= 400 KB gzip for all JS.
    chunkSizeWarningLimit: 900,
  },
  server: { proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } } },
});
