// The raw baseline of the notify benchmark: the least a notification handler can do — check the HMAC, then the
// same rows in ONE SQL statement (inbox row, payment status, 3–6 split rows, the ledger entries) on a plain pg
// pool as the owner (no ORM, no row-level security, no split rules). Prints `listening <port>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.HOOK_DATABASE_URL, max: Number(process.env.HOOK_POOL_MAX ?? 10), idleTimeoutMillis: 0 });
const key = createHmac('sha256', process.env.HOOK_SECRET_KEY!).update('familypay/sandbox-bank/v1').digest();

const SQL = `with n as (select $1::text as op, $2::uuid as pid, $3::bigint as amount),
  p as (select id, org_id, account_id from payments where id = (select pid from n)),
  inbox as (insert into payment_inbox (provider, operation_id, org_id, payment_id, outcome, received_at)
    select 'sandbox', n.op, p.org_id, p.id, 'baseline', now() from n, p on conflict do nothing returning org_id, payment_id),
  upd as (update payments set status = 'paid', paid_at = now(), registry_day = current_date, updated_at = now()
    where id in (select payment_id from inbox) returning id, org_id, account_id),
  parts as (select u.id, u.org_id, u.account_id, c.service_id, s.recipient_id, c.period, (select amount from n) / count(*) over () as amount,
      row_number() over (order by c.service_id) as seq
    from upd u join charges c on c.account_id = u.account_id and c.org_id = u.org_id join services s on s.id = c.service_id),
  splits as (insert into payment_splits (id, org_id, payment_id, seq, account_id, service_id, recipient_id, period, kind, amount, fee_share, reason, created_at)
    select gen_random_uuid(), org_id, id, seq, account_id, service_id, recipient_id, period, 'principal', amount, 0, 'baseline', now() from parts returning org_id),
  t as (select gen_random_uuid() as transfer_id)
  insert into ledger_entries (org_id, transfer_id, ledger_account_id, amount, kind, payment_id, created_at)
    select org_id, t.transfer_id, gen_random_uuid(), amount, 'payment', id, now() from parts, t
    union all select u.org_id, t.transfer_id, gen_random_uuid(), -(select sum(amount) from parts), 'payment', u.id, now() from upd u, t`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const sig = Buffer.from(String(req.headers['x-sandbox-signature'] ?? ''));
    const want = Buffer.from(createHmac('sha256', key).update(body).digest('hex'));
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return res.writeHead(403).end();
    try {
      const n = JSON.parse(body.toString()) as { OrderId: string; PaymentId: string; Status: string; Amount: number };
      await pool.query(SQL, [`${n.PaymentId}:${n.Status}`, n.OrderId, n.Amount]);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    } catch {
      res.writeHead(500).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
