// Builds the staff console (console/) into public/staff/, which the server serves under /staff
// (src/staff/index.ts). Run through scripts/build-console.mjs (npm run build, npm run dev,
// npm test); see console/README.md.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/staff/',
  // Nothing to copy verbatim: every asset goes through the build.
  publicDir: false,
  logLevel: 'warn',
  clearScreen: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? here('../public/staff'),
    emptyOutDir: true,
    target: 'es2022',
    // The strict CSP allows no inline script; Vite's preload polyfill would be one more file to
    // reason about, and every browser the desk uses supports modulepreload.
    modulePreload: { polyfill: false },
    // Small assets are inlined as data: URLs by default; keep every asset a file (CSP img-src).
    assetsInlineLimit: 0,
    sourcemap: true,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        index: here('index.html'),
        print: here('print.html'),
        dashboard: here('dashboard.html'),
      },
    },
  },
});
