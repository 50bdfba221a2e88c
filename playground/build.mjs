// Builds the playground into dist/: one JavaScript bundle and one stylesheet, no
// source maps, gzipped (the server embeds them so and sends them so to every
// browser that accepts gzip), the same bytes from the same package-lock.json (CI
// checks that the committed dist/ matches). Run it with `make playground` from
// the repository root.
import { build } from 'esbuild';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';

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

// gzip's header holds no time or name here, so the bytes depend on the input alone.
for (const name of ['playground.js', 'playground.css']) {
  const plain = readFileSync(outdir + name);
  writeFileSync(outdir + name + '.gz', gzipSync(plain, { level: constants.Z_BEST_COMPRESSION }));
  rmSync(outdir + name);
  console.log(`dist/${name}.gz\t${statSync(outdir + name + '.gz').size} bytes (${plain.length} unzipped)`);
}
