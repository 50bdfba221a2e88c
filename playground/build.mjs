// Builds the playground into dist/: one JavaScript bundle and one stylesheet, no
// source maps, the same bytes from the same package-lock.json (CI checks that the
// committed dist/ matches). Run it with `make playground` from the repository root.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

const outdir = new URL('./dist/', import.meta.url).pathname;

await build({
  entryPoints: { playground: new URL('./src/main.jsx', import.meta.url).pathname },
  outdir,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  sourcemap: false,
  // The licences of the bundled packages stay in the bundle, at its end.
  legalComments: 'eof',
  logLevel: 'warning',
});

for (const name of ['playground.js', 'playground.css']) {
  console.log(`dist/${name}\t${statSync(outdir + name).size} bytes`);
}
