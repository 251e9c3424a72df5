// A bare notification server for the crash test (RELIABILITY.md P2) and the notify benchmark: the real hook
// handler over the given PostgreSQL database, nothing else. Prints `listening <port>` when ready.
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../core/infra/database/database.ts';
import { makeLogger } from '../../core/infra/logger/logger.ts';
import { makePaymentsService } from '../../core/payments/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import { hooksRoutes } from '../../web/hooks.routes.ts';
import { makeHttpApp } from '../../web/http-app.ts';

const databaseUrl = process.env.HOOK_DATABASE_URL;
const secretKey = process.env.HOOK_SECRET_KEY;
if (!databaseUrl || !secretKey) throw new Error('HOOK_DATABASE_URL and HOOK_SECRET_KEY are required');
const db = await openDatabase({ databaseUrl, migrate: false, poolMax: Number(process.env.HOOK_POOL_MAX ?? 10) });
const logger = makeLogger({ level: 'silent' });
const payments = makePaymentsService({ db, clock: systemClock, secretKey, provider: 'sandbox', publicUrl: () => 'http://127.0.0.1:9' });
const app = makeHttpApp(logger, [hooksRoutes({ payments, logger })]);
const server = app.listen(Number(process.env.HOOK_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
server.keepAliveTimeout = 60_000;
// A polite stop writes what --cpu-prof collected (the benchmark's BENCH_CPU_PROFILE); a kill -9 is the crash test's.
process.on('SIGTERM', () => process.exit(0));
