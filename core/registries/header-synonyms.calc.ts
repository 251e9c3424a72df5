/** Our fields of an accrual or debt registry (DOMAIN.md «Registry formats»), in the order ties are broken. */
export const REGISTRY_FIELDS = [
  'account',
  'payerName',
  'address',
  'premise',
  'area',
  'residents',
  'period',
  'serviceCode',
  'serviceName',
  'method',
  'tariff',
  'volume',
  'accrued',
  'recalculation',
  'benefit',
  'openingBalance',
  'paid',
  'toPay',
  'penalty',
  'meterNumber',
  'previousReading',
  'currentReading',
  'readingDate',
  'els',
  'izhku',
  'ipd',
] as const;

export type RegistryField = (typeof REGISTRY_FIELDS)[number];

/**
 * Header names seen in customers' files, already normalised (see normaliseHeader: lower case, ё → е,
 * punctuation → spaces, «кол-во» → «колво»). Each word of a synonym is a stem: words of four letters or more
 * match any header word they begin («начисл» → «начислено», «начисления»); shorter ones only match whole
 * («кв» is a flat, «квт» is not). Word order does not matter. Latin entries cover DBF field names (≤ 10
 * characters, often joined: KOD_USL, NAIMUSL) and English exports.
 */
export const HEADER_SYNONYMS: Readonly<Record<RegistryField, readonly string[]>> = {
  account: [
    'лс', 'л с', 'л сч', 'лиц сч', 'лиц счет', 'лицев', 'лицев счет', 'номер лицев', 'ls', 'lschet', 'lsch', 'lic',
    'licschet', 'nls', 'account', 'acc', 'persacc', 'personal account', 'account number',
  ],
  payerName: [
    'фио', 'ф и о', 'фамил', 'фамил имя отчеств', 'плательщ', 'абонент', 'собственн', 'нанимател', 'владел',
    'потребител', 'fio', 'name', 'payer', 'owner', 'full name', 'fullname', 'familia', 'fam',
  ],
  address: ['адрес', 'адрес помещ', 'адрес объект', 'местонахожд', 'adres', 'adr', 'address', 'addr'],
  premise: [
    'кв', 'квартир', 'помещ', 'номер помещ', 'номер кв', 'ном кв', 'kv', 'kvart', 'kvartira', 'flat', 'apartment',
    'apt', 'premise', 'room',
  ],
  area: ['площ', 'площ помещ', 'общ площ', 'площ кв м', 'кв м', 'м2', 'plosh', 'ploshad', 'area', 'sq'],
  residents: [
    'прожив', 'колво прожив', 'число прожив', 'колво чел', 'колво челов', 'челов', 'жильц', 'жител', 'зарегистр',
    'прописан', 'kolprog', 'kolpr', 'prog', 'residents', 'people', 'persons',
  ],
  period: [
    'период', 'расчетн период', 'отчетн период', 'месяц', 'мес', 'period', 'per', 'prd', 'paymperiod', 'month',
    'mes',
  ],
  serviceCode: [
    'код', 'код усл', 'код услуг', 'kod', 'kodusl', 'kod usl', 'usl kod', 'code', 'service code', 'servicecode',
  ],
  serviceName: [
    'усл', 'услуг', 'наимен', 'наимен услуг', 'вид услуг', 'назван услуг', 'usl', 'naimusl', 'naim usl', 'uslname',
    'service', 'service name', 'servicename', 'uslug',
  ],
  method: [
    'способ', 'способ расчет', 'способ начисл', 'метод', 'метод расчет', 'вид расчет', 'тип расчет',
    'признак расчет', 'основан начисл', 'method', 'sposob', 'calc method',
  ],
  tariff: ['тариф', 'цена', 'ставк', 'tarif', 'tariff', 'cena', 'price', 'rate'],
  volume: [
    'объем', 'объем потреблен', 'колво', 'количеств', 'расход', 'потреблен', 'obem', 'kol', 'kolvo', 'rashod',
    'volume', 'qty', 'quantity', 'consumption',
  ],
  accrued: [
    'начисл', 'сумм начисл', 'начисл за период', 'начисл по тариф', 'nachisl', 'nach', 'sumnach', 'accrued',
    'charged', 'charge',
  ],
  recalculation: ['перерасч', 'коррект', 'доначисл', 'pererasch', 'perer', 'recalc', 'recalculation', 'correction'],
  benefit: ['льгот', 'скидк', 'lgota', 'lgot', 'benefit', 'discount'],
  openingBalance: [
    'сальдо', 'сальдо нач', 'сальдо начал', 'вход сальдо', 'входящ', 'долг нач', 'долг начал', 'задолж начал',
    'остат начал', 'saldo', 'saldon', 'saldo n', 'dolgn', 'opening', 'opening balance',
  ],
  paid: [
    'оплачено', 'оплач', 'оплата', 'поступ', 'платеж', 'внесено', 'oplata', 'opl', 'oplacheno', 'postupilo', 'paid',
    'payment', 'payments',
  ],
  // A debt registry's single amount (Sberbank: ЛС, ФИО, долг) is what the bank collects, so a bare «Сумма»,
  // «Долг» or the closing balance is «to pay».
  toPay: [
    'к оплат', 'итого к оплат', 'сумм к оплат', 'к уплат', 'итого', 'сумм', 'долг', 'задолж', 'сальдо конец',
    'сальдо конц', 'сальдо кон', 'исход сальдо', 'исходящ', 'summa', 'sum', 'itogo', 'kopl', 'dolg', 'debt',
    'topay', 'to pay', 'amount', 'amount due', 'k oplat', 'k opl',
  ],
  penalty: ['пени', 'пеня', 'неустойк', 'peni', 'penya', 'penalty', 'fine'],
  meterNumber: [
    'счетчик', 'номер счетчик', 'ном счетчик', 'прибор учет', 'номер прибор', 'ипу', 'номер ипу', 'пу', 'номер пу',
    'заводск номер', 'nomsch', 'schetchik', 'nom pu', 'zav nomer', 'meter', 'meter number', 'counter', 'counterid', 'nom sch',
  ],
  previousReading: [
    'пред показ', 'показ пред', 'нач показ', 'показ нач', 'начальн показ', 'показ начал', 'pokpred', 'pok pred',
    'predpok', 'prev', 'previous', 'previous reading',
  ],
  currentReading: [
    'показ', 'показ счетчик', 'текущ показ', 'тек показ', 'показ тек', 'кон показ', 'показ кон', 'конечн показ',
    'последн показ', 'poktek', 'pok tek', 'pokaz', 'current', 'current reading', 'reading', 'counterval',
  ],
  readingDate: [
    'дата показ', 'дата снят', 'дата съем', 'дата передач', 'datapok', 'data pok', 'date reading', 'reading date',
  ],
  els: ['елс', 'един лицев', 'един лицев счет', 'един лс', 'els'],
  izhku: ['ижку', 'идентиф жку', 'id жку', 'izhku'],
  ipd: ['ипд', 'идентиф платеж докум', 'номер платеж докум', 'ipd'],
};

/** Words that say little alone: they count only when they are the whole header («Сумма», «Код»). */
export const WEAK_WORDS: ReadonlySet<string> = new Set([
  'сумм', 'итого', 'код', 'номер', 'ном', 'дата', 'наимен', 'name', 'code', 'sum', 'summa', 'amount', 'kod', 'itogo',
]);

/** Words that name their field whatever else the header says («Начислено пени» is a penalty). */
export const STRONG_WORDS: ReadonlySet<string> = new Set([
  'пени', 'пеня', 'неустойк', 'перерасч', 'коррект', 'доначисл', 'льгот', 'елс', 'ижку', 'ипд',
]);
