/**
 * WhatsApp bans numbers that message strangers or send fast (DOMAIN.md «Messenger and robot limits»). Two rules
 * keep the organisation's number alive: write only to residents who wrote first or opted in, and send slowly.
 */

/**
 * May this organisation write to this WhatsApp user? `waUserId` is the phone digits (`79161234567`), or
 * `lid:<digits>` for a hidden number (see waUserOf). The integrator backs it with the identities table: a
 * WhatsApp identity of this number in the org (they wrote first), or consent_notifications on this phone.
 */
export type MayWrite = (orgId: string, waUserId: string) => Promise<boolean>;

export const DEFAULT_PACE_MS = 3000;
/** ±30 %: an exactly regular rhythm is what WhatsApp's spam heuristics look for. */
export const PACE_JITTER = 0.3;

export type Pacer = {
  /** Runs `send` once the previous send is `pace` old; sends run one at a time, in call order. */
  run<T>(send: () => Promise<T>): Promise<T>;
  /** Resolves when every send queued so far has finished. */
  idle(): Promise<void>;
};

export type PacerOptions = {
  readonly paceMs?: number;
  /** 0 ≤ random() < 1; injectable so a test can pin the jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
};

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The gap before the next send: paceMs scaled by a factor in [0.7, 1.3). */
export const jitteredGap = (paceMs: number, random: () => number): number =>
  Math.round(paceMs * (1 - PACE_JITTER + 2 * PACE_JITTER * random()));

/**
 * An in-process serial queue: one per WhatsApp session, shared by replies, notifications and the adapter's own
 * notices, so the whole session never sends faster than the pace, whoever asks.
 */
export const makePacer = (options: PacerOptions = {}): Pacer => {
  const paceMs = options.paceMs ?? DEFAULT_PACE_MS;
  if (!Number.isFinite(paceMs) || paceMs < 0) throw new RangeError(`paceMs must be ≥ 0, got ${paceMs}`);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  let tail: Promise<unknown> = Promise.resolve();
  let nextAt = 0;

  return {
    run<T>(send: () => Promise<T>): Promise<T> {
      const turn = tail.then(async () => {
        const wait = nextAt - now();
        if (wait > 0) await sleep(wait);
        try {
          return await send();
        } finally {
          // Counted from the end of a send, failed or not: a failed send may still have reached WhatsApp.
          nextAt = now() + jitteredGap(paceMs, random);
        }
      });
      tail = turn.catch(() => undefined);
      return turn;
    },
    async idle() {
      await tail;
    },
  };
};
