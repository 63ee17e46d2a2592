// Built by `npm run build:web` (`vite build web`): this directory is the Vite root, output goes to web/dist and is
// served by the server at /ui/ (server/src/http/routes/ui.ts).
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig({
  base: '/ui/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One small bundle is enough for an admin UI; hashed names let the server cache assets forever.
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
