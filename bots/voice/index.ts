// The voice robot channel, as the composition roots use it.
export { voiceRoutes, makeSecretCheck } from './voice.routes.ts';
export type { VoiceDeps } from './voice.routes.ts';
export { renderVoice, gatherFor, GATHER_TIMEOUT_SEC } from './voice.renderer.ts';
export type { VoiceResponse, VoiceNext, VoiceGather } from './voice.renderer.ts';
export { voiceTurnSchema, toInboundEvent, phoneDigits } from './voice-turn.ts';
export type { VoiceTurn } from './voice-turn.ts';
