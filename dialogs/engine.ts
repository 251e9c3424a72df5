import type { Database } from '../core/infra/database/database.ts';
import { openTurn, rememberReply, saveTurn } from '../core/conversations/index.ts';
import { isLocale, type Clock, type Locale } from '../core/shared/index.ts';
import type { AfterWork, Flow, Step, StepInput, Transition, Turn } from './flow.ts';
import { optionsOf, optionsOnScreen, resolveInput } from './resolve-input.ts';
import { makeSerial } from './serial.ts';
import type { DialogServices } from './services.ts';
import type { DialogPort, DialogReply, Expectation, InboundEvent, OutboundIntent } from './types.ts';

export type EngineDeps = {
  readonly db: Database;
  readonly clock: Clock;
  readonly flows: readonly Flow[];
  readonly services: DialogServices;
  /** A conversation left this long restarts at the menu (default 30 min). */
  readonly idleMs?: number;
  /** Engine transactions at once (default 5: half the default pool). */
  readonly concurrency?: number;
  /** Called with each event's processing time, from taking its turn to its answer (not the wait before it). */
  readonly onTurn?: (ms: number) => void;
};

export const MENU = 'menu';
/** How many steps one event may pass through (a step that moves on at once): a loop in a flow stops here. */
const MAX_HOPS = 8;

/**
 * The channel-neutral dialog engine: an event → the current step of the current flow → intents. The state row is
 * locked for the turn and saved before the replies leave (the caller sends them after this returns).
 */
export function makeDialogEngine(deps: EngineDeps): DialogPort {
  const flows = new Map(deps.flows.map((f) => [f.name, f]));
  const found = flows.get(MENU);
  if (!found) throw new Error('the menu flow is required');
  const menu: Flow = found;
  const idleMs = deps.idleMs ?? 30 * 60_000;
  const serial = makeSerial(deps.concurrency ?? 5);

  const stepOf = (flow: string, step: string): Step | undefined => flows.get(flow)?.steps[step];
  const anytime = deps.flows.filter((f) => f.anytime).map((f) => ({ prefix: f.anytime!.prefix, handle: f.steps[f.anytime!.step]!.handle! }));
  const anytimeHandler = (input: StepInput) =>
    (input.kind === 'choice' ? anytime.find((a) => input.optionId.startsWith(a.prefix))?.handle : undefined);
  const target = (to: string): { flow: Flow; step: string } => {
    const [flowName, stepName] = to.split('.', 2) as [string, string | undefined];
    const flow = flows.get(flowName);
    if (!flow) throw new Error(`no flow ${flowName}`);
    if (stepName && !flow.steps[stepName]) throw new Error(`no step ${to}`);
    return { flow, step: stepName ?? flow.start };
  };

  async function turnOnce(event: InboundEvent): Promise<DialogReply> {
    // No tenant yet: the turn's first round trip sets it, with the resident's lock and state (openTurn).
    const turned = await deps.db.withoutTenant(async (em): Promise<{ reply: DialogReply; after: Turn['after']; insertAt: number }> => {
      const now = deps.clock.now();
      const hint: Locale = event.localeHint && isLocale(event.localeHint) ? event.localeHint : 'ru';
      const who = await openTurn(em, {
        orgId: event.orgId, channel: event.channel, externalId: event.externalUserId, phone: event.channelPhone ?? null, locale: hint,
        eventKey: event.eventKey ?? null, initial: { flow: MENU, step: menu.start, version: menu.version }, now,
      });
      const state = who.state;
      if (state.prior) return { reply: state.prior as unknown as DialogReply, after: [], insertAt: 0 };

      const turn: Turn = {
        em, orgId: event.orgId, identityId: who.identityId, personId: who.personId, channel: event.channel, event, now,
        services: deps.services, phone: state.phone, linkedAtStart: state.linked, locale: isLocale(state.locale) ? state.locale : 'ru', accountId: state.accountId, data: { ...state.data }, after: [],
      };
      const intents: OutboundIntent[] = [];
      let at = { flow: state.flow, step: state.step };
      let expect: Expectation = { kind: 'none' };
      /** Where intents of work after the transaction go: after what the step said, before the next prompt. */
      let insertAt = 0;

      const enter = async (to: string, data?: Record<string, unknown>) => {
        let next = to;
        for (let hop = 0; hop < MAX_HOPS; hop += 1) {
          const t = target(next);
          if (t.flow.name !== at.flow || data) turn.data = data ?? {};
          at = { flow: t.flow.name, step: t.step };
          const prompt = await t.flow.steps[t.step]!.prompt(turn);
          intents.push(...prompt.intents);
          expect = prompt.expect ?? { kind: 'none' };
          turn.data._options = optionsOf(prompt.intents);
          if (!prompt.then) return;
          next = prompt.then;
          data = undefined;
        }
        throw new Error(`dialog loops at ${at.flow}.${at.step}`);
      };

      const flow = flows.get(state.flow);
      const step = stepOf(state.flow, state.step);
      const input: StepInput = resolveInput(event.input, turn.data._options);
      if (input.kind === 'command' && (input.command === 'start' || input.command === 'menu')) {
        await enter(input.command === 'start' && input.arg ? 'link.deepLink' : MENU, input.arg ? { token: input.arg } : undefined);
      } else if (input.kind === 'end') {
        await enter(MENU);
        intents.length = 0;
      } else if (state.fresh) {
        await enter(MENU);
      } else if (anytimeHandler(input)) {
        const transition = await anytimeHandler(input)!(turn, input);
        intents.push(...(transition.say ?? []));
        insertAt = intents.length;
        await enter(transition.to ?? MENU, transition.data);
      } else if (!flow || !step || flow.version !== state.version) {
        // State written by another version of the flow: start over politely instead of misreading it.
        intents.push({ type: 'text', text: { key: 'dialogs.restarted' } });
        await enter(MENU);
      } else if (now.getTime() - state.updatedAt.getTime() > idleMs && !(state.flow === MENU && state.step === menu.start)) {
        intents.push({ type: 'text', text: { key: 'dialogs.idle' } });
        await enter(MENU);
      } else {
        // A menu button of an earlier message (chats keep them) still means what it says: the menu handles it.
        const stale = input.kind === 'choice' && input.optionId.startsWith('m.') && !optionsOnScreen(turn.data._options).includes(input.optionId);
        const handle = stale ? menu.steps[menu.start]!.handle : step.handle;
        if (!handle) {
          await enter(MENU);
        } else {
          const transition: Transition = await handle(turn, input);
          intents.push(...(transition.say ?? []));
          insertAt = intents.length;
          if (transition.to) await enter(transition.to, transition.data);
          else await enter(stale ? MENU : `${state.flow}.${state.step}`, stale ? undefined : turn.data);
        }
      }

      const reply: DialogReply = { locale: turn.locale, intents, expect, identityId: who.identityId };
      await saveTurn(em, {
        orgId: event.orgId, identityId: who.identityId, flow: at.flow, step: at.step, version: flows.get(at.flow)!.version,
        data: turn.data, accountId: turn.accountId, connectionId: event.connectionId, chatId: event.chatId, eventKey: event.eventKey ?? null, reply: reply as unknown as Record<string, unknown>, now,
      });
      return { reply, after: turn.after, insertAt };
    });
    if (turned.after.length === 0) return turned.reply;
    const done: AfterWork[] = [];
    for (const work of turned.after) done.push(await work());
    const more = done.flatMap((d) => d.intents);
    const reply: DialogReply = { ...turned.reply, intents: [...turned.reply.intents.slice(0, turned.insertAt), ...more, ...turned.reply.intents.slice(turned.insertAt)] };
    // One more transaction: what the work records, and the whole answer for a redelivered event, links included.
    await deps.db.withTenant(event.orgId, async (em) => {
      for (const d of done) await d.record?.(em);
      if (event.eventKey) await rememberReply(em, reply.identityId, event.eventKey, reply);
    });
    return reply;
  }

  return {
    handle: (event) => serial(`${event.orgId}:${event.channel}:${event.externalUserId}`, async () => {
      const started = performance.now();
      try { return await turnOnce(event); } finally { deps.onTurn?.(performance.now() - started); }
    }),
  };
}
