// Runs the GraphQL Foundation's graphql-http server audits (every MUST, SHOULD
// and MAY of the GraphQL-over-HTTP specification it checks) against coursegraph:
// it builds and starts the server on an embedded database in a temporary folder,
// prints each audit's result, and fails when a MUST or a SHOULD fails.
//
//   cd test/http-audit && npm ci && node audit.mjs
import { serverAudits } from 'graphql-http';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'coursegraph-audit-'));
const bin = join(dir, 'coursegraph');
execFileSync('go', ['build', '-o', bin, '.'], { cwd: root, stdio: 'inherit' });

const port = await new Promise((ok) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); });
});
const server = spawn(bin, [], {
  cwd: dir,
  env: { ...process.env, ADDR: `127.0.0.1:${port}`, DATABASE_URL: `sqlite:${join(dir, 'cg.db')}`, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stop = () => { server.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); };

const base = `http://127.0.0.1:${port}`;
let up = false;
for (let i = 0; i < 300 && !up; i++) {
  try { up = (await fetch(`${base}/healthz`)).ok; } catch { await new Promise((r) => setTimeout(r, 100)); }
}
if (!up) { stop(); throw new Error('the server did not start'); }

const tally = { MUST: [0, 0], SHOULD: [0, 0], MAY: [0, 0] };
const failed = [];
for (const audit of serverAudits({ url: `${base}/graphql`, fetchFn: fetch })) {
  const result = await audit.fn();
  const level = audit.name.split(' ')[0];
  const ok = result.status === 'ok';
  tally[level][ok ? 0 : 1]++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${audit.id} ${audit.name}${ok ? '' : `: ${result.reason}`}`);
  if (!ok && level !== 'MAY') failed.push(`${audit.id} ${audit.name}`);
}
stop();
for (const [level, [ok, bad]] of Object.entries(tally)) console.log(`${level}: ${ok} of ${ok + bad} pass`);
if (failed.length) {
  console.error(`failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
