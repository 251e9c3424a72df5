// The MAX adapter as the composition roots see it (STYLE.md «Boundaries»): routes for serve, the runner, the
// outbound sender, and the errors the queue tells apart by code.
export { maxRoutes } from './max.routes.ts';
export type { MaxRoutesDeps } from './max.routes.ts';
export { startMax } from './max.runner.ts';
export type { MaxRunner, MaxRunnerDeps } from './max.runner.ts';
export { makeMaxSender } from './max.sender.ts';
export type { MaxClientSettings } from './max-connection.ts';
export { MaxApiError, MaxUnavailableError, MaxConnectionError } from './max.errors.ts';
export { MAX_DEFAULT_BASE_URL, makeMaxClient } from './max.client.ts';
export type { MaxClient } from './max.client.ts';
export { renderMax } from './max.renderer.ts';
export { readMaxUpdate, toInboundEvent } from './max-update.ts';
export { handleMaxUpdate } from './max.inbound.ts';
export type { OrgForPlatformBot } from './max.inbound.ts';
