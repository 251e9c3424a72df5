// The Telegram adapter as the composition roots see it (STYLE.md «Boundaries»): routes for serve, the runner and
// the outbound sender for the worker, and the codes the queue tells outcomes apart by.
export { telegramRoutes, TELEGRAM_SECRET_HEADER } from './telegram.routes.ts';
export type { TelegramRoutesDeps } from './telegram.routes.ts';
export { startTelegram, TELEGRAM_ALLOWED_UPDATES } from './telegram.runner.ts';
export type { StartTelegramDeps, TelegramRunning } from './telegram.runner.ts';
export { makeTelegramSender, sendTelegramMessage, TelegramSendError, TELEGRAM_CODES } from './telegram.sender.ts';
export type { TelegramSendResult, TelegramSenderOptions } from './telegram.sender.ts';
export { makeTelegramBot, makeBotCache, makeTelegramDownload, TELEGRAM_API_ROOT } from './telegram.bot.ts';
export type { TelegramClientOptions } from './telegram.bot.ts';
export { renderTelegram, splitText, TELEGRAM_TEXT_MAX } from './telegram.renderer.ts';
export type { TelegramCall } from './telegram.renderer.ts';
export { mapTelegramUpdate, viewTelegramUpdate, toInboundEvent, startArgOf, TELEGRAM_FILE_CAP_BYTES } from './telegram-update.ts';
export type { TelegramInbound, TelegramUpdateView } from './telegram-update.ts';
export { handleTelegramUpdate } from './telegram.inbound.ts';
export type { OrgForPlatformBot, TelegramLogger } from './telegram.inbound.ts';
export { makeChatPace, TELEGRAM_CHAT_GAP_MS } from './chat-pace.ts';
export type { ChatPace } from './chat-pace.ts';
