// The resident's pages work without this file; it only keeps the button's sum in step with the form and lets a
// status page notice the bank's answer. The server recomputes every figure on POST.
'use strict';

// «1 234,56» with the separators formatRubles uses (U+00A0), from whole kopecks as a BigInt: no float ever.
const NBSP = '\u00A0';
function rubles(k) {
  const digits = k.toString().padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${whole},${digits.slice(-2)}${NBSP}₽`;
}

// parseRubles' grammar: rubles plain or grouped by three, «,» or «.» and up to two kopeck digits, an optional ₽.
const AMOUNT = /^(\d+|\d{1,3}(?:[ \u00A0\u202F\u2009]\d{3})+)(?:[.,](\d{1,2}))?(?:[ \u00A0\u202F\u2009]*₽)?$/u;
function kopecks(text) {
  const m = AMOUNT.exec(text.trim());
  return m ? BigInt(m[1].replace(/\D/g, '')) * 100n + BigInt((m[2] || '').padEnd(2, '0')) : null;
}

// commissionFor's rule: fee = amount × bp / 10 000, halfUp (a half kopeck rounds up; no side loses more than ½ kop.).
function fee(amount, basisPoints) {
  const product = amount * BigInt(basisPoints);
  const quotient = product / 10000n;
  return 2n * (product % 10000n) >= 10000n ? quotient + 1n : quotient;
}

function payButton(form) {
  const button = form.querySelector('#pay-button');
  const amountInput = form.querySelector('input[name="amount"]');
  const rates = JSON.parse(form.dataset.rates || '{}');
  const update = () => {
    const chosen = form.querySelector('input[name="method"]:checked');
    const terms = rates[chosen ? chosen.value : 'sbp'];
    if (!terms || terms.mode === 'internal' || terms.basisPoints === 0) { button.textContent = form.dataset.labelFree; return; }
    const amount = kopecks(amountInput.value);
    if (amount === null) { button.textContent = form.dataset.labelPlain; return; }
    const f = fee(amount, terms.basisPoints);
    button.textContent = form.dataset.labelFee.replace('{total}', rubles(amount + f)).replace('{fee}', rubles(f));
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  // One press, one request: a second press while the first is on its way would only repeat the same key.
  form.addEventListener('submit', (event) => {
    if (form.dataset.sent) event.preventDefault();
    form.dataset.sent = '1';
  });
  // Back from the bank's page (bfcache): the form may be sent again.
  window.addEventListener('pageshow', () => { delete form.dataset.sent; update(); });
  update();
}

// While the bank decides: ask for the status word every 2 s and reload when it changes.
function poll(element) {
  const url = element.dataset.poll;
  const current = element.dataset.status;
  const timer = setInterval(async () => {
    try {
      const res = await fetch(url, { cache: 'no-store', credentials: 'omit' });
      if (!res.ok) return;
      const body = await res.json();
      if (body.status && body.status !== current) { clearInterval(timer); location.reload(); }
    } catch {
      // Offline for a moment: the next tick asks again.
    }
  }, 2000);
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('pay-form');
  if (form) payButton(form);
  const status = document.querySelector('[data-poll]');
  if (status) poll(status);
});
