import { spawn } from 'node:child_process';
import http from 'node:http';
import { Browser } from '../../test/support/admin-harness.ts';
import { BENCH_PASSWORD, type AppealsFixture } from './fixture.ts';

const PORT = 39_600;
const STAFF = 20;

/** What staff open in the inbox, weighted by how often: the open queue most, then filters, the card, old pages. */
export const INBOX_MIX = (openIds: readonly string[]): [string, (i: number) => string][] => [
  ['open queue', () => '/admin/appeals'],
  ['open queue', () => '/admin/appeals'],
  ['mine', () => '/admin/appeals?queue=mine'],
  ['breach filter', () => '/admin/appeals?queue=open&breach=1'],
  ['emergencies', () => '/admin/appeals?queue=open&type=emergency'],
  ['closed, page 1', () => '/admin/appeals?queue=closed'],
  ['closed, page 40', () => '/admin/appeals?queue=closed&page=40'],
  ['appeal card', (i) => `/admin/appeals/${openIds[i % openIds.length]}`],
];

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};

/** `familypay serve` in a child process; 20 staff members, each with their own session, click through the mix. */
export async function measureInbox(options: { databaseUrl: string; fixture: AppealsFixture; seconds: number }): Promise<void> {
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const server = spawn(process.execPath, [...profile, new URL('../../cli/familypay.js', import.meta.url).pathname, 'serve'], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: options.databaseUrl, SECRET_KEY: 'b'.repeat(64), PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '20' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; i < 300; i++) {
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const cookies: string[] = [];
    for (const s of options.fixture.staff.slice(0, STAFF)) {
      const browser = new Browser(base);
      if ((await browser.signIn(s.email, BENCH_PASSWORD)) >= 400) throw new Error(`sign-in of ${s.email} failed`);
      cookies.push(`fp_sid=${browser.cookie('fp_sid')}`);
    }
    const mix = INBOX_MIX(options.fixture.openIds);
    const agent = new http.Agent({ keepAlive: true, maxSockets: STAFF });
    const get = (path: string, cookie: string) => new Promise<number>((resolve, reject) => {
      const req = http.get(base + path, { agent, headers: { cookie } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
    });
    // Warm-up: each kind once per staff member (plans cached, the pool filled).
    for (const cookie of cookies) for (const [, path] of mix) await get(path(0), cookie);
    // Two runs: staff clicking back to back (the server saturated: its throughput), and staff working as people do,
    // each opening a page every 0.5–1.5 s (faster than anyone reads one; the list also refreshes itself every 20 s).
    for (const [title, thinkMs] of [['back to back', 0], ['a page every 0.5–1.5 s each', 1000]] as const) {
      const times = new Map<string, number[]>();
      const all: number[] = [];
      let failed = 0;
      const until = performance.now() + options.seconds * 1000;
      await Promise.all(cookies.map(async (cookie, k) => {
        // People do not start at the same instant: each begins somewhere in the first think time.
        if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * Math.random()));
        for (let i = k; performance.now() < until; i += STAFF) {
          const [kind, path] = mix[i % mix.length]!;
          const started = performance.now();
          const status = await get(path(i), cookie);
          const ms = performance.now() - started;
          if (status !== 200) failed++;
          all.push(ms);
          times.set(kind, [...(times.get(kind) ?? []), ms]);
          if (thinkMs) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
        }
      }));
      console.log(`staff inbox, ${STAFF} staff at once, ${title}, ${options.seconds} s: ${all.length} pages, ${(all.length / options.seconds).toFixed(0)} pages/s, `
        + `p50 ${percentile(all, 50).toFixed(0)} ms, p99 ${percentile(all, 99).toFixed(0)} ms (goal p99 ≤ 150 ms)${failed ? `, ${failed} not 200!` : ''}`);
      for (const [kind, xs] of times) console.log(`  ${kind.padEnd(16)} p50 ${percentile(xs, 50).toFixed(0).padStart(4)} ms  p99 ${percentile(xs, 99).toFixed(0).padStart(4)} ms  (${xs.length})`);
    }
    agent.destroy();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}
