/**
 * What the typed-account page may show to whoever typed a number (RELIABILITY.md A2): enough for a resident to
 * recognise their own account, too little to learn who lives where. Every word keeps its first letter; numbers
 * keep their first digit; service words of an address (ул., д., кв.) stay, as they reveal nothing.
 */
const KEEP = new Set(['г.', 'ул.', 'д.', 'кв.', 'корп.', 'стр.', 'пр.', 'пер.', 'пос.', 'с.', 'мкр.', 'ш.', 'наб.', 'пл.', 'б-р', 'пр-т', 'тер.', 'снт', 'гск']);

const maskWord = (word: string): string => {
  if (KEEP.has(word.toLowerCase())) return word;
  const chars = [...word];
  if (chars.length <= 1) return '*';
  return chars[0] + chars.slice(1).map((c) => (/[\p{L}\p{N}]/u.test(c) ? '*' : c)).join('');
};

export const maskName = (name: string | null): string =>
  (name ?? '').trim().split(/\s+/).filter(Boolean).map((w) => `${[...w][0]}.`).join(' ');

export const maskAddress = (address: string | null): string =>
  (address ?? '').trim().split(/\s+/).filter(Boolean).map(maskWord).join(' ');
