/**
 * The key a building is matched by. Registries spell one house many ways («ул. Ленина, д. 5» /
 * «ул Ленина д.5»), so case, «ё», punctuation spacing and repeated spaces do not make a new building.
 */
export function addressKey(address: string): string {
  return address
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[.,;]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Area in m² as an exact two-place decimal string, from «54,3», «54.30» or 54; null when not a positive area. */
export function normaliseArea(input: string | number): string | null {
  const text = String(input).trim().replace(',', '.');
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').padEnd(2, '0');
  return whole === '0' && fraction === '00' ? null : `${whole}.${fraction}`;
}
