import type { Database, Em } from '../infra/database/database.ts';
import type { Clock } from '../shared/index.ts';
import { linkKey, signLink, verifyLink, signPaymentRef, verifyPaymentRef, type LinkClaims, type LinkPurpose, type LinkRejection } from './pay-link.calc.ts';
import type { Result } from '../shared/index.ts';
import { signStartToken, verifyStartToken, type StartRejection } from './start-token.calc.ts';

/**
 * How long a signed link lives, by purpose: a bill's link must outlive the months the bill hangs on the fridge
 * and a bookmark; a plate in an entrance or a collector's card lasts years and is reprinted when a key retires.
 */
export const LINK_LIFETIME_DAYS: Readonly<Record<LinkPurpose, number>> = { account: 400, plate: 3650, collector: 1825, typed: 400 };

type KeyRing = { readonly active: number; readonly valid: ReadonlySet<number>; readonly loadedAt: number };
/** Keys change rarely (a rotation); a minute-old view of them is fine and saves a query per page view. */
const KEYRING_TTL_MS = 60_000;

export type PayLinks = {
  sign(input: { orgId: string; purpose: LinkPurpose; subjectId: string | null; days?: number }): Promise<string>;
  /** `em`: read the keys in the caller's transaction (a dialog turn holds the embedded database's one connection). */
  verify(token: string, em?: Em): Promise<Result<LinkClaims, LinkRejection>>;
  /** A messenger deep link's token for an account (≤ 64 characters, as Telegram's `start` allows). */
  startToken(accountId: string, days?: number): Promise<string>;
  /** The account id of a start token. */
  verifyStart(token: string, em?: Em): Promise<Result<string, StartRejection>>;
  /** The MAC that lets a status page URL be opened without walking payment ids. */
  paymentRef(paymentId: string): string;
  checkPaymentRef(paymentId: string, ref: string): boolean;
  rotate(): Promise<number>;
  retire(kid: number): Promise<boolean>;
  keys(): Promise<{ kid: number; createdAt: Date; retiredAt: Date | null }[]>;
};

export function makePayLinks(deps: { db: Database; clock: Clock; secretKey: string }): PayLinks {
  let ring: KeyRing | undefined;
  const statusKey = linkKey(deps.secretKey, 0);
  const load = async (inTx?: Em): Promise<KeyRing> => {
    if (ring && Date.now() - ring.loadedAt < KEYRING_TTL_MS) return ring;
    const query = (em: Em) => em.execute<{ kid: number; retired_at: Date | null }[]>('select kid, retired_at from pay_link_keys order by kid');
    const rows = await (inTx ? query(inTx) : deps.db.read(query));
    const valid = new Set(rows.filter((r) => !r.retired_at).map((r) => Number(r.kid)));
    ring = { active: Math.max(0, ...valid), valid, loadedAt: Date.now() };
    return ring;
  };
  return {
    async sign({ orgId, purpose, subjectId, days }) {
      const { active } = await load();
      if (!active) throw new Error('no active pay-link key: run `familypay links rotate-key`');
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + (days ?? LINK_LIFETIME_DAYS[purpose]) * 86_400_000);
      return signLink({ kid: active, orgId, purpose, subjectId, expiresAt }, linkKey(deps.secretKey, active));
    },
    async verify(token, em) {
      const check = (keys: KeyRing) => verifyLink(token, (kid) => (keys.valid.has(kid) ? linkKey(deps.secretKey, kid) : undefined), deps.clock.now());
      const first = check(await load(em));
      // Another process may have rotated in a key since this one last looked: look once more before refusing.
      if (first.ok || first.error !== 'unknownKey' || Date.now() - (ring?.loadedAt ?? 0) < 1_000) return first;
      ring = undefined;
      return check(await load(em));
    },
    async startToken(accountId, days) {
      const { active } = await load();
      if (!active) throw new Error('no active pay-link key: run `familypay links rotate-key`');
      const expiresAt = new Date(deps.clock.now().getTime() + (days ?? LINK_LIFETIME_DAYS.account) * 86_400_000);
      return signStartToken(accountId, expiresAt, active, linkKey(deps.secretKey, active));
    },
    async verifyStart(token, em) {
      const keys = await load(em);
      return verifyStartToken(token, (kid) => (keys.valid.has(kid) ? linkKey(deps.secretKey, kid) : undefined), deps.clock.now());
    },
    paymentRef: (paymentId) => signPaymentRef(paymentId, statusKey),
    checkPaymentRef: (paymentId, ref) => verifyPaymentRef(paymentId, ref, statusKey),
    async rotate() {
      const rows = await deps.db.withoutTenant((em) => em.execute<{ kid: number }[]>(
        'insert into pay_link_keys (kid, created_at) select coalesce(max(kid), 0) + 1, ? from pay_link_keys returning kid', [deps.clock.now()]));
      ring = undefined;
      return Number(rows[0]!.kid);
    },
    async retire(kid) {
      const rows = await deps.db.withoutTenant((em) => em.execute<{ kid: number }[]>(
        `update pay_link_keys set retired_at = ? where kid = ? and retired_at is null
           and exists (select 1 from pay_link_keys k where k.kid <> ? and k.retired_at is null) returning kid`, [deps.clock.now(), kid, kid]));
      ring = undefined;
      return rows.length > 0;
    },
    keys: async () => (await deps.db.read((em) => em.execute<{ kid: number; created_at: Date; retired_at: Date | null }[]>(
      'select kid, created_at, retired_at from pay_link_keys order by kid'))).map((r) => ({ kid: Number(r.kid), createdAt: r.created_at, retiredAt: r.retired_at })),
  };
}
