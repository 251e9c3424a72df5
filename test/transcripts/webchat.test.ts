import { afterAll, beforeAll, describe } from 'vitest';
import { transcriptTests } from '../support/transcript-runner.ts';
import { makeWorld, type World } from '../support/transcript-world.ts';
import { WEBCHAT_CAPS, webchatRig } from './webchat.harness.ts';

const SLUG = 'wc-transcripts';
let w: World;
let rig: Awaited<ReturnType<typeof webchatRig>>;

beforeAll(async () => {
  w = await makeWorld(SLUG);
  rig = await webchatRig(w, SLUG);
});
afterAll(async () => { await w?.close(); });

describe('web chat: the dialogs through POST /chat/api/:slug/messages and the real engine', () => {
  transcriptTests('webchat', WEBCHAT_CAPS, () => ({ world: w, driver: rig.driver }));
});
