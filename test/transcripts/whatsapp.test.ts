import { afterAll, beforeAll, describe } from 'vitest';
import { transcriptTests } from '../support/transcript-runner.ts';
import { makeWorld, type World } from '../support/transcript-world.ts';
import { WHATSAPP_CAPS, whatsappRig } from './whatsapp.harness.ts';

let w: World;
let rig: Awaited<ReturnType<typeof whatsappRig>>;

beforeAll(async () => {
  w = await makeWorld('wa-transcripts');
  rig = await whatsappRig(w);
});
afterAll(async () => {
  await rig?.session.stop();
  await w?.close();
});

describe('WhatsApp: the dialogs through the session, the inbound queue, the engine and the fake client', () => {
  transcriptTests('whatsapp', WHATSAPP_CAPS, () => ({ world: w, driver: rig.driver }));
});
