/** Small checks and escapes that several modules need in the same form. */

/** A plausible e-mail address (the mail server has the last word). */
export const isEmail = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254;

export const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** What a person types is searched for literally: LIKE's wildcards and its escape character are escaped. */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell Excel or LibreOffice would take for a formula gets a leading «'» (DOMAIN.md «Registry formats»,
 * RELIABILITY.md R7): every exporter of text cells goes through this one rule.
 */
export function guardFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}
