/**
 * The web chat as `serve` runs it (engine, flows, payments with the sandbox bank), in its own process, with every
 * POST timed from the request's arrival to the end of its answer. Prints `listening <port>`; GET /__stats answers
 * the timings. Environment: DIALOGS_DATABASE_URL, DIALOGS_SECRET_KEY, DIALOGS_POOL_MAX.
 */
import express from 'express';
import { makeChatPending, makeOrgLookup } from '../../core/conversations/index.ts';
import { openDatabase } from '../../core/infra/database/database.ts';
import { makeInProcessQueue } from '../../core/infra/queue/in-process.queue.ts';
import { makePaymentsService } from '../../core/payments/index.ts';
import { systemClock } from '../../core/shared/index.ts';
import { makeDialogs } from '../../dialogs/dialogs.ts';
import { webchatRoutes } from '../../bots/webchat/index.ts';
import { makeLogger } from '../../core/infra/logger/logger.ts';

const poolMax = Number(process.env.DIALOGS_POOL_MAX ?? 20);
const db = await openDatabase({ databaseUrl: process.env.DIALOGS_DATABASE_URL!, poolMax, migrate: false });
const secretKey = process.env.DIALOGS_SECRET_KEY!;
let publicUrl = 'http://127.0.0.1';
const payments = makePaymentsService({ db, clock: systemClock, secretKey, provider: 'sandbox', publicUrl: () => publicUrl, sandboxRetryMs: [0] });
const queue = makeInProcessQueue({});
const turns: number[] = [];
const dialogs = makeDialogs({ db, clock: systemClock, queue, payments, secretKey, publicUrl: () => publicUrl, concurrency: Number(process.env.DIALOGS_CONCURRENCY ?? Math.floor(poolMax / 2)), onTurn: (ms) => turns.push(ms) });
const logger = makeLogger({ level: 'silent' });
const lookup = makeOrgLookup(db);

const times: number[] = [];
const app = express();
app.use((req, res, next) => {
  if (req.method !== 'POST') return next();
  const started = performance.now();
  res.on('finish', () => times.push(performance.now() - started));
  next();
});
app.get('/__stats', (_req, res) => res.json({ times, turns }));
app.use(webchatRoutes({
  dialogs: dialogs.engine, orgBySlug: lookup.bySlug, pending: makeChatPending({ db, clock: systemClock }), logger, secure: false,
  limits: { perSession: { capacity: 1e9, perMs: 1_000 }, perIp: { capacity: 1e9, perMs: 1_000 } },
}));
const server = app.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port;
  publicUrl = `http://127.0.0.1:${port}`;
  console.log(`listening ${port}`);
});
server.keepAliveTimeout = 60_000;
// SIGINT: exit normally, so a --cpu-prof profile is written.
process.once('SIGINT', () => process.exit(0));
