import { defineConfig } from 'vite';

// Served by apps/server at /console; every asset is bundled (no CDN): the console works offline.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // bpmn-js is most of the bundle; it loads only where a diagram is shown (its own chunk).
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
});
