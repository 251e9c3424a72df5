// The web chat channel, as the composition roots use it.
export { webchatRoutes } from './webchat.routes.ts';
export type { WebchatDeps } from './webchat.routes.ts';
export { DEFAULT_LIMITS } from './webchat-api.ts';
export type { Org, WebchatLimits } from './webchat-api.ts';
export { memoryPendingStore, makeWebchatSender, PENDING_PAGE } from './pending.ts';
export type { PendingStore } from './pending.ts';
export { renderWebchat, isSafeUrl } from './webchat.renderer.ts';
export type { WebchatReply } from './webchat.renderer.ts';
export { sessionHash } from './webchat-input.ts';
