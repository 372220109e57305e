// The admin console: built to web/dist by `npm run build` (and so by `npm ci`), served by
// Gatehouse at `/`. No inline scripts or styles, so the strict CSP holds.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
