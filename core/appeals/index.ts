// Appeals: residents' questions and emergency requests, their messages, and staff answers going back to the chat
// they came from. Routing, SLA clocks and the staff inbox come later.

export { Appeal, AppealMessage, APPEALS_ENTITIES, APPEAL_TYPES, APPEAL_STATUSES, APPEAL_AUTHORS, EMERGENCY_CATEGORIES } from './appeals.entity.ts';
export type { AppealType, AppealStatus, AppealAuthor, EmergencyCategory, AppealRow, AppealMessageRow } from './appeals.entity.ts';
export { fileAppeal, residentAppeals, saveAppealAttachment, answerAppeal, markDelivered, MAX_APPEAL_TEXT } from './appeals.service.ts';
export type { AppealInput, ResidentAppeal, AnswerInput, AnswerError, AppealOutbound } from './appeals.service.ts';
export { checkAttachment } from './attachment.calc.ts';
export type { AttachmentRefusal } from './attachment.calc.ts';
