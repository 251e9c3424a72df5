// Appeals: residents' questions and emergency requests, routed to staff teams, with SLA clocks on the
// organisation's working calendar (emergencies round the clock), escalation, and answers back to the chat.

export { Appeal, AppealMessage, AppealEvent, APPEALS_ENTITIES, APPEAL_TYPES, APPEAL_STATUSES, APPEAL_AUTHORS, EMERGENCY_CATEGORIES, SLA_MODES, APPEAL_EVENT_KINDS } from './appeals.entity.ts';
export type { AppealType, AppealStatus, AppealAuthor, EmergencyCategory, AppealRow, AppealMessageRow, SlaMode, AppealEventKind } from './appeals.entity.ts';
export { ROUTING_ENTITIES, CALENDAR_DAY_KINDS, NOTIFICATION_KINDS } from './routing.entity.ts';
export type { CalendarDayKind, NotificationKind } from './routing.entity.ts';
export { fileAppeal, residentAppeals, saveAppealAttachment, markDelivered, appealChat, MAX_APPEAL_TEXT } from './appeals.service.ts';
export type { AppealInput, ResidentAppeal, AppealChat } from './appeals.service.ts';
export { takeAppeal, assignAppeal, reclassifyAppeal, isActiveMember } from './workflow.ts';
export type { Actor, WorkflowError } from './workflow.ts';
export { replyToAppeal, addNote, closeAppeal, reopenAppeal, residentWrites, rateAppeal, autoCloseAppeal, REPLY_THEN } from './workflow-reply.ts';
export type { ReplyInput, ReplyThen } from './workflow-reply.ts';
export type { AppealState } from './appeal-record.ts';
export { loadWorkCalendar, loadPolicies } from './appeal-settings.repo.ts';
export { APPEAL_TOPICS } from './effects.ts';
export type { DeliverKind, DeliverPayload } from './effects.ts';
export { DEFAULT_POLICIES, pickPolicy } from './sla-policy.calc.ts';
export type { SlaTargets, PolicyRow } from './sla-policy.calc.ts';
export { clockState, ESCALATION } from './appeal-clocks.calc.ts';
export { checkAttachment } from './attachment.calc.ts';
export type { AttachmentRefusal } from './attachment.calc.ts';
export { runEscalations, runAutoClose } from './escalation.ts';
export { ALWAYS, DEFAULT_WEEK, checkWorkingWeek, workingWindow, workingMsBetween, addWorkingMs, isWorkingInstant } from './work-calendar.calc.ts';
export type { DayKind, WorkingWeek, WorkCalendar } from './work-calendar.calc.ts';
export { RU_CALENDAR, RU_CALENDAR_YEARS } from './ru-calendar.calc.ts';
export { AT_RISK_SHARE, slaState } from './sla-clock.calc.ts';
export type { SlaState, SlaClock } from './sla-clock.calc.ts';
export { deliverByFallback, mailStaffNotification } from './outreach.ts';
export type { OutreachDeps } from './outreach.ts';
export { recomputeOpenAppeals } from './recompute.ts';
export { slaReport, REPORT_GROUPINGS } from './reports.repo.ts';
export type { ReportGrouping, SlaReport, SlaReportQuery, SlaReportRow } from './reports.repo.ts';
