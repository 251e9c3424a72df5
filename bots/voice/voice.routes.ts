import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { Logger } from '../../core/infra/logger/logger.ts';
import { secretMatches, translate, type Locale } from '../../core/shared/index.ts';
import type { DialogPort } from '../../dialogs/types.ts';
import { renderVoice, type VoiceResponse } from './voice.renderer.ts';
import { firstIssueField, phoneDigits, toInboundEvent, voiceTurnSchema } from './voice-turn.ts';

export type VoiceDeps = {
  readonly dialogs: DialogPort;
  /** The organisation answering the called number, given as `+` and digits; null when the number is not ours. */
  readonly resolveOrg: (to: string) => Promise<string | null>;
  /** The shared secret the robot sends in `X-Voice-Secret`; a function so a rotated secret applies without a restart. Empty: the robot is off. */
  readonly secret: string | (() => string);
  readonly logger: Logger;
};

/** A turn is a few short fields; anything bigger is not from the robot. */
const BODY_LIMIT = '16kb';

/** The robot's provider reads our errors, not a caller: they are in Russian, the operators' language. */
const PROVIDER_LOCALE: Locale = 'ru';

/** The robot's secret check; the secret is read at each turn, so a rotated one applies without a restart. */
export function makeSecretCheck(secret: string | (() => string)): (given: string | undefined) => boolean {
  return (given) => secretMatches(given, typeof secret === 'function' ? secret() : secret);
}

const fail = (res: Response, status: number, code: string, key: string, field?: string) =>
  res.status(status).json({ error: { code, ...(field ? { field } : {}), message: translate(PROVIDER_LOCALE, `voice.error.${key}`, field ? { field } : {}) } });

/** Malformed JSON and oversized bodies answer in the same shape as a schema error, never as a 500. */
const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return fail(res, 413, 'VOICE.BODY_TOO_LARGE', 'tooLarge');
  if (type === 'entity.parse.failed' || error instanceof SyntaxError) return fail(res, 400, 'VOICE.BAD_REQUEST', 'invalid', 'body');
  next(error);
};

/** `POST /voice/turn`: one turn of a call, answered with what to say and what to listen for. */
export function voiceRoutes(deps: VoiceDeps): Router {
  const router = Router();
  const secretOk = makeSecretCheck(deps.secret);

  // The secret is checked before the body is even read: a stranger's request costs one HMAC and changes nothing.
  const guard: RequestHandler = (req, res, next) => {
    if (secretOk(req.get('x-voice-secret'))) return next();
    deps.logger.warn({ code: 'VOICE.SECRET_INVALID', requestId: res.locals.requestId }, 'voice turn refused');
    fail(res, 401, 'VOICE.SECRET_INVALID', 'unauthorized');
  };

  router.post('/voice/turn', guard, express.json({ type: () => true, limit: BODY_LIMIT }), async (req, res) => {
    const parsed = voiceTurnSchema.safeParse(req.body);
    if (!parsed.success) return fail(res, 400, 'VOICE.BAD_REQUEST', 'invalid', firstIssueField(parsed.error));
    const turn = parsed.data;
    const to = phoneDigits(turn.to);
    const orgId = to ? await deps.resolveOrg(`+${to}`) : null;
    if (!orgId) {
      deps.logger.warn({ code: 'VOICE.NUMBER_UNKNOWN', requestId: res.locals.requestId }, 'voice turn for a number of no organisation');
      return fail(res, 404, 'VOICE.NUMBER_UNKNOWN', 'numberUnknown');
    }
    let answer: VoiceResponse;
    try {
      answer = renderVoice(await deps.dialogs.handle(toInboundEvent(turn, orgId)));
    } catch (error) {
      // The caller is still on the line: apologise and hang up rather than leave the robot with nothing to say.
      deps.logger.error({ code: 'VOICE.TURN_FAILED', requestId: res.locals.requestId, orgId, err: error }, 'voice turn failed');
      return res.status(503).json({ say: [{ text: translate(PROVIDER_LOCALE, 'voice.error.unavailable') }], next: { hangup: {} } });
    }
    res.set('Cache-Control', 'no-store').json(answer);
  });
  router.use('/voice', bodyErrors);
  return router;
}
