import type { Database } from '../infra/database/database.ts';
import { AppError, err, ok, type Clock, type Result } from '../shared/index.ts';
import { StaffUser, dummyPasswordHash, hashPassword, verifyPassword, MIN_PASSWORD_LENGTH, type StaffRole, type StaffUserRow } from '../orgs/index.ts';
import { PasswordToken, StaffSession, type StaffSessionRow, type TokenPurpose } from './staff.entity.ts';
import { emailKey, hashToken, newSecretToken } from './tokens.ts';
import { staffRepo, type StaffOrg } from './staff.repo.ts';

/** RELIABILITY.md A3/A4: limits and timeouts. */
export const LIMITS = {
  accountFailuresPerHour: 100,
  ipFailuresPerHour: 300,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  /** lastSeenAt is written at most this often, so reading pages does not write on every request. */
  touchEveryMs: 60_000,
  resetTtlMs: 3600_000,
  inviteTtlMs: 72 * 3600_000,
} as const;

export type SignedIn = { readonly token: string; readonly session: StaffSessionRow };
export type StaffContext = {
  readonly sessionId: string;
  readonly user: Pick<StaffUserRow, 'id' | 'email' | 'fullName' | 'platformOperator'>;
  readonly orgs: readonly StaffOrg[];
  /** The current organisation and the role in it; null when the user has none to work in. */
  readonly current: StaffOrg | null;
};

type Deps = { readonly db: Database; readonly clock: Clock; readonly secretKey: string };

const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);
const invalid = () => err(new AppError('AUTH.INVALID_CREDENTIALS'));

export function makeStaffAuthService({ db, clock, secretKey }: Deps) {
  /**
   * The same answer, and the same scrypt work, for an unknown e-mail, a wrong password, an inactive user and a
   * user with no organisation: nothing here tells an attacker which e-mails exist.
   */
  async function signIn(input: { email: string; password: string; ip: string; userAgent?: string }): Promise<Result<SignedIn, AppError>> {
    const now = clock.now();
    const key = emailKey(secretKey, input.email);
    const ip = input.ip.slice(0, 45);
    // Each try is counted as a failure before the password is checked, under a per-address lock: parallel guesses
    // see each other, so a burst cannot slip past the limit (RELIABILITY.md A3).
    const attempt = await db.withoutTenant(async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`login:${key}`]);
      const since = ago(now, 3600_000);
      const limited = (await staffRepo.failuresSince(em, 'email_key', key, since)) >= LIMITS.accountFailuresPerHour
        || (await staffRepo.failuresSince(em, 'ip', ip, since)) >= LIMITS.ipFailuresPerHour;
      return limited ? null : staffRepo.recordAttempt(em, { emailKey: key, ip, success: false, at: now });
    });
    if (attempt === null) return err(new AppError('AUTH.TOO_MANY_ATTEMPTS'));
    const user = await db.withoutTenant((em) => em.findOne(StaffUser, { email: input.email.trim().toLowerCase() }));
    const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash));
    return db.withoutTenant(async (em) => {
      const orgs = user ? await staffRepo.orgsOf(em, user.id) : [];
      const allowed = !!user && passwordOk && user.active && (orgs.length > 0 || user.platformOperator);
      if (!allowed) return invalid();
      await em.execute('update login_attempts set success = true where id = ?', [attempt]);
      const { token, id } = newSecretToken();
      const session = em.create(StaffSession, {
        id, user: user.id, org: orgs[0]?.orgId ?? null, createdAt: now, lastSeenAt: now,
        ip, userAgent: input.userAgent?.slice(0, 200) ?? null,
      });
      return ok({ token, session });
    });
  }

  /**
   * The live session behind a cookie, or null when it is unknown, signed out, idle 30 min or older than 12 h.
   * Every admin request passes here, so it is one read (session, user and memberships together) and a write only
   * when something changed: expiry, the minute's touch, or a current organisation the user no longer belongs to.
   */
  async function resume(token: string): Promise<StaffContext | null> {
    const now = clock.now();
    const row = await staffRepo.sessionWithUser(db, hashToken(token));
    if (!row || row.revokedAt || !row.user.active) return null;
    const expired = row.lastSeenAt.getTime() + LIMITS.idleMs <= now.getTime() || row.createdAt.getTime() + LIMITS.absoluteMs <= now.getTime();
    const current = row.orgs.find((o) => o.orgId === row.orgId) ?? row.orgs[0] ?? null;
    const touch = now.getTime() - row.lastSeenAt.getTime() >= LIMITS.touchEveryMs;
    if (expired || touch || (current?.orgId ?? null) !== row.orgId) {
      await db.withoutTenant((em) => em.execute(
        'update staff_sessions set revoked_at = ?, last_seen_at = ?, org_id = ? where id = ? and revoked_at is null',
        [expired ? now : null, touch && !expired ? now : row.lastSeenAt, current?.orgId ?? null, row.id]));
    }
    if (expired) return null;
    const { id, email, fullName, platformOperator } = row.user;
    return { sessionId: row.id, user: { id, email, fullName, platformOperator }, orgs: row.orgs, current };
  }

  return {
    signIn,
    resume,
    signOut: (token: string) => db.withoutTenant((em) =>
      em.execute('update staff_sessions set revoked_at = ? where id = ? and revoked_at is null', [clock.now(), hashToken(token)])),

    /** Only among the user's own memberships; anything else is answered as not found. */
    switchOrg: (context: StaffContext, orgId: string): Promise<boolean> => db.withoutTenant(async (em) => {
      if (!context.orgs.some((o) => o.orgId === orgId)) return false;
      const moved = await em.execute<{ id: string }[]>('update staff_sessions set org_id = ? where id = ? and revoked_at is null returning id', [orgId, context.sessionId]);
      return moved.length === 1;
    }),

    issuePasswordToken: (userId: string, purpose: TokenPurpose) => issuePasswordToken(db, clock, userId, purpose),
    requestPasswordReset: async (email: string): Promise<{ userId: string; token: string } | null> => {
      const user = await db.withoutTenant((em) => em.findOne(StaffUser, { email: email.trim().toLowerCase(), active: true }));
      return user ? { userId: user.id, token: await issuePasswordToken(db, clock, user.id, 'reset') } : null;
    },
    setPasswordWithToken: (token: string, password: string) => setPasswordWithToken(db, clock, secretKey, token, password),
  };
}

async function issuePasswordToken(db: Database, clock: Clock, userId: string, purpose: TokenPurpose): Promise<string> {
  const now = clock.now();
  const { token, id } = newSecretToken();
  const ttl = purpose === 'reset' ? LIMITS.resetTtlMs : LIMITS.inviteTtlMs;
  await db.withoutTenant(async (em) => {
    em.create(PasswordToken, { id, user: userId, purpose, createdAt: now, expiresAt: new Date(now.getTime() + ttl) });
  });
  return token;
}

/**
 * One use only. The new password ends every session the user had and cancels their other links (a reset usually
 * follows a suspicion), and lifts the lockout: the failures on record were guesses at the old password.
 */
async function setPasswordWithToken(db: Database, clock: Clock, secretKey: string, token: string, password: string): Promise<Result<{ userId: string }, AppError>> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return err(new AppError('ORGS.PASSWORD_TOO_SHORT', { field: 'password', vars: { min: MIN_PASSWORD_LENGTH } }));
  }
  const passwordHash = await hashPassword(password);
  const now = clock.now();
  return db.withoutTenant(async (em) => {
    const used = await em.execute<{ user_id: string }[]>(
      `update password_tokens set used_at = ? where id = ? and used_at is null and expires_at > ? returning user_id`,
      [now, hashToken(token), now]);
    const userId = used[0]?.user_id;
    if (!userId) return err(new AppError('AUTH.TOKEN_INVALID'));
    const [user] = await em.execute<{ email: string }[]>('update users set password_hash = ? where id = ? returning email', [passwordHash, userId]);
    await em.execute('update staff_sessions set revoked_at = ? where user_id = ? and revoked_at is null', [now, userId]);
    await em.execute('update password_tokens set used_at = ? where user_id = ? and used_at is null', [now, userId]);
    await em.execute('delete from login_attempts where email_key = ? and not success', [emailKey(secretKey, user!.email)]);
    return ok({ userId });
  });
}

export type StaffAuthService = ReturnType<typeof makeStaffAuthService>;
export type { StaffRole };
