import type { Flow } from '../flow.ts';
import { accountsFlow } from './accounts.flow.ts';
import { debtFlow } from './debt.flow.ts';
import { linkFlow } from './link.flow.ts';
import { menuFlow } from './menu.flow.ts';
import { payFlow } from './pay.flow.ts';
import { settingsFlow } from './settings.flow.ts';
import { emergencyFlow } from './emergency.flow.ts';
import { questionFlow } from './question.flow.ts';
import { readingsFlow } from './readings.flow.ts';
import { structureFlow } from './structure.flow.ts';
import { appealFlow } from './appeal.flow.ts';

/** Every flow the resident bots run, on every channel. */
export const ALL_FLOWS: readonly Flow[] = [menuFlow, linkFlow, accountsFlow, debtFlow, payFlow, settingsFlow, emergencyFlow, questionFlow, readingsFlow, structureFlow, appealFlow];
