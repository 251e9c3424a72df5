import {
  choose, expectEqual, k, linkByCode, MENU, menuTitle, p, proofOptions, start, steps, WELCOME, write, type Ctx, type Expect, type FixtureAccount, type Transcript,
} from './script.ts';

/**
 * The dialogs as transcripts (issue 6, «Tests»): every channel's test file runs these same scripts through its real
 * route, the real engine and its real sender against a fake of its platform, and checks the same expected intents.
 */

/** Six digits that are not this month's code (last month's is also accepted: a one-in-a-million clash). */
const wrongCode = (c: Ctx, accountId: string) => {
  const right = new Set([c.fx.billCode(accountId)]);
  let n = 123_456;
  while (right.has(String(n))) n += 1;
  return String(n);
};

const SANDBOX_URL = /^https:\/\/familypay\.test\/sandbox\/pay\/[\w-]+$/;
const PAGE_URL = /^https:\/\/familypay\.test\/pay\/[\w-]{75}$/;
/** The bank's link and our page (Telegram and MAX: URL buttons); on a call the bank's link goes out by SMS. */
const payLinks = (c: Ctx): Expect['links'] => (c.caps.voice
  ? [{ url: SANDBOX_URL }]
  : [{ url: SANDBOX_URL, label: p('pay.sbpButton') }, { url: PAGE_URL, label: p('pay.pageButton') }]);
const paid = (a: FixtureAccount, c: Ctx): Expect => (c.caps.voice
  ? { says: [p('pay.sentSms'), k('voice.sendLink.sms'), menuTitle(a)], options: MENU, links: payLinks(c) }
  : { says: [p('pay.sbp'), p('pay.page'), p('pay.receiptLater'), menuTitle(a)], options: MENU, links: payLinks(c) });

export const TRANSCRIPTS: readonly Transcript[] = [
  {
    name: 'greets with the menu, helps, and finds its way back from anything',
    steps: steps(
      start,
      (c) => (c.caps.voice ? [] : choose('m.help', { says: [p('menu.helpText'), p('menu.welcome')], options: WELCOME })),
      write('абракадабра', { says: [p('menu.unknown'), p('menu.welcome')], options: WELCOME }),
      write('меню', { says: [p('menu.welcome')], options: WELCOME }),
    ),
  },
  {
    name: 'hands the caller over to the operator',
    when: (c) => c.caps.voice,
    steps: steps(
      start,
      choose('m.operator', (c) => ({ says: [p('menu.transfer', { phone: c.fx.operatorPhone }), p('menu.welcome')], options: WELCOME, transfer: c.fx.operatorPhone })),
    ),
  },
  {
    name: 'applies a redelivered event once',
    steps: steps(
      linkByCode(3),
      choose('m.emergency', { says: [p('emergency.askCategory')], options: ['e.leak', 'e.electricity', 'e.sewer', 'e.heating', 'e.lift', 'e.gas', 'e.other', 'e.menu'] }),
      choose('e.leak', { says: [p('emergency.askAddress')], options: ['ea.account', 'ea.other', 'ea.menu'] }),
      // A messenger's retry sends nothing new; a repeated request is answered with the first reply again.
      { act: { kind: 'repeat' }, expect: (c) => (c.caps.inline ? { says: [p('emergency.askAddress')], options: ['ea.account', 'ea.other', 'ea.menu'] } : { says: [], options: [] }) },
      // Had «leak» been applied twice, the address buttons would be stale and the resident asked to type one.
      choose('ea.account', { says: [p('emergency.askDescription')], options: [] }),
      write('меню', (c) => ({ says: [menuTitle(c.fx.accounts[3]!)], options: MENU })),
    ),
    after: async (f) => expectEqual(await f.turns(), 9, 'turns applied (dialog_states.seq)'),
  },
  {
    name: 'links an account by its number and the code from this month\'s bill',
    steps: steps(linkByCode(0)),
    after: async (f, c) => expectEqual(await f.links(), [{ number: c.fx.accounts[0]!.number, proof: 'bill_code' }], 'account_links'),
  },
  {
    name: 'links nothing for a number with a wrong code or a wrong amount',
    steps: steps(
      start,
      choose('m.link', { says: [p('link.askNumber')], options: [] }),
      write((c) => c.fx.accounts[1]!.number, (c) => ({ says: [p('link.askProof', { number: c.fx.accounts[1]!.number })], options: proofOptions(c) })),
      choose('lp.code', { says: [p('link.askCode')], options: [] }),
      write((c) => wrongCode(c, c.fx.accounts[1]!.id), (c) => ({ says: [p('link.failed'), p('link.askProof')], options: proofOptions(c) })),
      choose('lp.amount', { says: [p('link.askAmount')], options: [] }),
      write('1,00', (c) => ({ says: [p('link.failed'), p('link.askProof')], options: proofOptions(c) })),
      choose('lp.cancel', { says: [p('menu.welcome')], options: WELCOME }),
    ),
    after: async (f) => expectEqual(await f.links(), [], 'account_links'),
  },
  {
    name: 'links at once by the signed link from the bill\'s QR code',
    when: (c) => c.caps.deepLink,
    steps: steps({
      act: { kind: 'start', arg: (c) => c.fx.token(c.fx.accounts[2]!.id) },
      expect: (c) => ({ says: [p('link.done', { number: c.fx.accounts[2]!.number }), menuTitle(c.fx.accounts[2]!)], options: MENU }),
    }),
    after: async (f, c) => expectEqual(await f.links(), [{ number: c.fx.accounts[2]!.number, proof: 'deep_link' }], 'account_links'),
  },
  {
    name: 'refuses a forged start link',
    when: (c) => c.caps.deepLink,
    steps: steps({
      // A token of the right shape whose MAC is wrong: the last characters of a real one changed.
      act: { kind: 'start', arg: (c) => `${c.fx.token(c.fx.accounts[2]!.id).slice(0, -4)}AAAA` },
      expect: { says: [p('link.badToken'), p('menu.welcome')], options: WELCOME },
    }),
    after: async (f) => expectEqual(await f.links(), [], 'account_links'),
  },
  {
    name: 'links by the resident\'s own phone and refuses someone else\'s contact',
    when: (c) => c.caps.contact,
    steps: steps(
      start,
      choose('m.link', { says: [p('link.askNumber')], options: [] }),
      write((c) => c.fx.phoneAccount.number, (c) => ({ says: [p('link.askProof', { number: c.fx.phoneAccount.number })], options: proofOptions(c) })),
      choose('lp.phone', { says: [p('link.askPhone')], options: [], contact: true }),
      { act: { kind: 'contact', phone: (c) => c.fx.phoneAccount.phone, own: false }, expect: (c) => ({ says: [p('link.phoneNotOwn'), p('link.askProof')], options: proofOptions(c) }) },
      choose('lp.phone', { says: [p('link.askPhone')], options: [], contact: true }),
      { act: { kind: 'contact', phone: '+79990001122', own: true }, expect: (c) => ({ says: [p('link.failed'), p('link.askProof')], options: proofOptions(c) }) },
      choose('lp.phone', { says: [p('link.askPhone')], options: [], contact: true }),
      { act: { kind: 'contact', phone: (c) => c.fx.phoneAccount.phone, own: true }, expect: (c) => ({ says: [p('link.done', { number: c.fx.phoneAccount.number }), menuTitle(c.fx.phoneAccount)], options: MENU }) },
    ),
    after: async (f, c) => expectEqual(await f.links(), [{ number: c.fx.phoneAccount.number, proof: 'phone_match' }], 'account_links'),
  },
  {
    name: 'links at once when the channel vouches for the phone the organisation recorded',
    when: (c) => c.caps.vouchedPhone,
    fromAccountPhone: true,
    steps: steps(
      { act: { kind: 'start' }, expect: (c) => ({ says: [p('menu.foundByPhone'), menuTitle(c.fx.phoneAccount)], options: MENU }) },
    ),
    after: async (f, c) => expectEqual(await f.links(), [{ number: c.fx.phoneAccount.number, proof: 'phone_match' }], 'account_links'),
  },
  {
    name: 'shows the accruals and the debt by service',
    steps: steps(
      linkByCode(1),
      choose('m.debt', (c) => ({ says: [p('debt.accruals', { number: c.fx.accounts[1]!.number }), p('debt.total'), p('debt.next')], options: ['d.pay', 'd.structure', 'd.menu'] })),
      choose('d.menu', (c) => ({ says: [menuTitle(c.fx.accounts[1]!)], options: MENU })),
    ),
  },
  {
    name: 'pays the whole debt or another amount, and the receipt comes back to the chat',
    steps: steps(
      linkByCode(2),
      choose('m.pay', (c) => ({ says: [p('pay.ask', { number: c.fx.accounts[2]!.number })], options: ['p.full', 'p.other', 'p.menu'] })),
      choose('p.full', (c) => paid(c.fx.accounts[2]!, c)),
      choose('m.pay', (c) => ({ says: [p('pay.ask', { number: c.fx.accounts[2]!.number })], options: ['p.full', 'p.other', 'p.menu'] })),
      choose('p.other', { says: [p('pay.askAmount')], options: [] }),
      write('1500', (c) => paid(c.fx.accounts[2]!, c)),
      (c) => (c.caps.later
        ? { act: { kind: 'bankConfirms' }, expect: { says: [p('pay.receipt', { amount: '1 500,00 ₽', number: c.fx.accounts[2]!.number })], options: [] } }
        : []),
    ),
    after: async (f, c) => {
      const rows = await f.payments();
      expectEqual(rows.length, 2, 'payments started from the chat');
      expectEqual(rows[1]!.amount, 150_000, 'the amount typed, in kopecks');
      if (c.caps.later) expectEqual(rows[1]!.status, 'paid', 'the confirmed payment');
    },
  },
  {
    name: 'takes a meter reading, refusing one below the last',
    flows: ['readings'],
    steps: steps(
      linkByCode(3),
      choose('m.readings', { says: [p('readings.intro', { count: 1 }), p('readings.meter', { n: 1, total: 1, number: '0042' })], options: ['r.skip', 'r.stop'] }),
      write('120', { says: [p('readings.belowLast'), p('readings.meter', { n: 1, total: 1 })], options: ['r.skip', 'r.stop'] }),
      write('158', (c) => ({ says: [p('readings.saved'), p('readings.summary'), menuTitle(c.fx.accounts[3]!)], options: MENU })),
    ),
    after: async (f) => expectEqual(await f.readings(), ['158'], 'readings saved as the resident\'s'),
  },
  {
    name: 'explains the debt\'s structure as text and a PDF',
    flows: ['structure'],
    steps: steps(
      linkByCode(4),
      choose('m.structure', (c) => ({
        says: [p('structure.text', { number: c.fx.accounts[4]!.number }), p('structure.pdfCaption'), ...(c.caps.voice ? [k('voice.attachment.elsewhere')] : []), p('structure.next')],
        options: ['s.pay', 's.menu'], documents: c.caps.voice ? 0 : 1,
      })),
      choose('s.menu', (c) => ({ says: [menuTitle(c.fx.accounts[4]!)], options: MENU })),
    ),
  },
  {
    name: 'files an urgent leak at the account\'s address and names the dispatcher',
    steps: steps(
      linkByCode(0),
      choose('m.emergency', { says: [p('emergency.askCategory')], options: ['e.leak', 'e.electricity', 'e.sewer', 'e.heating', 'e.lift', 'e.gas', 'e.other', 'e.menu'] }),
      choose('e.leak', { says: [p('emergency.askAddress')], options: ['ea.account', 'ea.other', 'ea.menu'] }),
      choose('ea.account', { says: [p('emergency.askDescription')], options: [] }),
      (c) => (c.caps.voice
        ? write('Течёт с потолка в ванной', { says: [p('emergency.filed'), p('emergency.callDispatcher', { phone: c.fx.dispatcherPhone }), menuTitle(c.fx.accounts[0]!)], options: MENU })
        : [
          write('Течёт с потолка в ванной', { says: [p('emergency.askPhoto')], options: ['ep.none'] }),
          c.caps.files
            ? { act: { kind: 'photo' }, expect: { says: [p('emergency.filed'), p('emergency.callDispatcher', { phone: c.fx.dispatcherPhone }), menuTitle(c.fx.accounts[0]!)], options: MENU } }
            : choose('ep.none', { says: [p('emergency.filed'), p('emergency.callDispatcher', { phone: c.fx.dispatcherPhone }), menuTitle(c.fx.accounts[0]!)], options: MENU }),
        ]),
    ),
    after: async (f, c) => expectEqual(await f.appeals(), [{ type: 'emergency', category: 'leak', urgent: true, attachments: c.caps.files ? 1 : 0, text: 'Течёт с потолка в ванной' }], 'appeals'),
  },
  {
    name: 'gives the gas advice first and takes a typed address from a resident without an account',
    steps: steps(
      start,
      choose('m.emergency', { says: [p('emergency.askCategory')], options: ['e.leak', 'e.electricity', 'e.sewer', 'e.heating', 'e.lift', 'e.gas', 'e.other', 'e.menu'] }),
      choose('e.gas', { says: [p('emergency.gasAdvice'), p('emergency.askTypedAddress')], options: [] }),
      write('ул. Ленина, д. 10, кв. 3', { says: [p('emergency.askDescription')], options: [] }),
      (c) => (c.caps.voice
        ? write('Пахнет газом в подъезде', { says: [p('emergency.filed'), p('emergency.callDispatcher'), p('emergency.gasAgain'), p('menu.welcome')], options: WELCOME })
        : [
          write('Пахнет газом в подъезде', { says: [p('emergency.askPhoto')], options: ['ep.none'] }),
          choose('ep.none', { says: [p('emergency.filed'), p('emergency.callDispatcher'), p('emergency.gasAgain'), p('menu.welcome')], options: WELCOME }),
        ]),
    ),
    after: async (f) => expectEqual((await f.appeals()).map((a) => [a.category, a.urgent]), [['gas', true]], 'appeals'),
  },
  {
    name: 'files a question to staff and lists it',
    steps: steps(
      start,
      choose('m.question', { says: [p('question.ask')], options: ['q.mine', 'q.menu'] }),
      (c) => (c.caps.voice
        ? write('Когда будет перерасчёт за отопление', { says: [p('question.filedVoice'), p('menu.welcome')], options: WELCOME })
        : [
          write('Когда будет перерасчёт за отопление?', { says: [p('question.askAttachment')], options: ['qa.none'] }),
          choose('qa.none', { says: [p('question.filed'), p('menu.welcome')], options: WELCOME }),
        ]),
      choose('m.question', { says: [p('question.ask')], options: ['q.mine', 'q.menu'] }),
      choose('q.mine', { says: [p('question.list'), p('question.next')], options: ['q.new', 'q.menu'] }),
      choose('q.menu', { says: [p('menu.welcome')], options: WELCOME }),
    ),
    after: async (f) => expectEqual((await f.appeals()).map((a) => a.type), ['question'], 'appeals'),
  },
  {
    name: 'switches notifications and the language; later replies are in English',
    steps: steps(
      start,
      choose('m.settings', { says: [p('settings.title', { notify: '—' })], options: ['s.notify', 's.here', 's.lang', 's.menu'] }),
      choose('s.notify', { says: [p('settings.notifyStarted'), p('settings.title', { notify: '✓' })], options: [{ id: 's.notify', label: p('settings.notifyOff') }, 's.here', 's.lang', 's.menu'] }),
      choose('s.lang', { says: [p('settings.chooseLanguage')], options: ['l.ru', 'l.en'] }),
      choose('l.en', { locale: 'en', says: [p('settings.languageSet'), p('settings.title')], options: [{ id: 's.notify', label: p('settings.notifyOff') }, 's.here', 's.lang', 's.menu'] }),
      choose('s.menu', { locale: 'en', says: [p('menu.welcome')], options: WELCOME }),
      write('menu', { locale: 'en', says: [p('menu.welcome')], options: WELCOME }),
    ),
  },
  {
    name: 'unlinks an account in one tap',
    steps: steps(
      linkByCode(1),
      choose('m.accounts', { says: [p('accounts.title')], options: ['a.use.0', 'a.del.0', 'a.add', 'a.menu'] }),
      choose('a.del.0', { says: [p('accounts.unlinked'), p('accounts.none'), p('link.askNumber')], options: [] }),
    ),
    after: async (f) => expectEqual(await f.links(), [], 'account_links'),
  },
];
