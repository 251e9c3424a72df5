// Conversations: bot connections, dialog state per resident, the inbox of handled channel events, web-chat
// messages waiting for the page, and payments started in a chat. The dialogs/ ring drives them.
export { BOT_CHANNELS, CONVERSATIONS_ENTITIES } from './conversations.entity.ts';
export type { BotChannel } from './conversations.entity.ts';
export { makeConnections } from './connections.ts';
export type { BotConnection, ConnectionView, Connections, ConnectionsDeps } from './connections.ts';
export { inboxKey, openTurn, saveTurn, rememberReply, pruneConversations, recordDialogPayment, messengerChats, chatOf, steerDialog } from './turns.repo.ts';
export type { TurnIdentity, StoredState, TurnStart } from './turns.repo.ts';
export { makeChatPending, PENDING_PAGE_SIZE } from './pending.ts';
export type { ChatPending } from './pending.ts';
export { makeOrgLookup } from './org-lookup.ts';
export type { OrgLookup, PublicOrg } from './org-lookup.ts';
export { makePlatformOrg } from './platform-org.ts';
export { makeWhatsappMayWrite } from './whatsapp-consent.ts';
export { searchResidents, residentCard, unlinkResidentByStaff, voiceSettings, saveVoiceSettings, isVoiceNumberTaken } from './residents-admin.repo.ts';
export type { ResidentRow, ResidentIdentity, ResidentLink, VoiceSettings } from './residents-admin.repo.ts';
