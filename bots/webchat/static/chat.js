// The web chat page. Everything from the server goes into the page as text (textContent), never as HTML; only web
// and same-site addresses become links. The session id is a bearer secret: it lives in localStorage for this
// organisation, travels in the body or the X-Chat-Session header, and never in a URL.
'use strict';

(function () {
  const root = document.getElementById('chat');
  const log = document.getElementById('log');
  const form = document.getElementById('compose');
  if (!root || !log || !form) return;
  const input = form.querySelector('textarea');
  const button = form.querySelector('button');
  const texts = root.dataset;
  const org = texts.org;
  const api = '/chat/api/' + encodeURIComponent(org) + '/messages';
  const POLL_MS = 3000;

  const storage = (kind) => { try { const s = window[kind]; s.setItem('fp.probe', '1'); s.removeItem('fp.probe'); return s; } catch (e) { return null; } };
  const local = storage('localStorage');
  const tab = storage('sessionStorage');
  const keys = { session: 'familypay.chat.' + org + '.session', after: 'familypay.chat.' + org + '.after', log: 'familypay.chat.' + org + '.log' };

  // 24 random bytes are 32 url-safe base64 characters without padding.
  function randomId(bytes) {
    const b = new Uint8Array(bytes);
    crypto.getRandomValues(b);
    let s = '';
    for (const x of b) s += String.fromCharCode(x);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  let session = local && local.getItem(keys.session);
  if (!session || !/^[A-Za-z0-9_-]{16,128}$/.test(session)) {
    session = randomId(24);
    if (local) local.setItem(keys.session, session);
  }
  let after = Number((local && local.getItem(keys.after)) || 0) || 0;

  // This tab's transcript, so a reload shows the conversation instead of starting over; gone when the tab closes.
  let transcript = [];
  try { transcript = JSON.parse((tab && tab.getItem(keys.log)) || '[]'); } catch (e) { transcript = []; }
  const remember = (entry) => {
    transcript.push(entry);
    transcript = transcript.slice(-100);
    if (tab) try { tab.setItem(keys.log, JSON.stringify(transcript)); } catch (e) { /* full: the page still works */ }
  };

  const safeUrl = (url) => typeof url === 'string' && /^(https?:\/\/|\/(?!\/))/i.test(url);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e; };
  const scroll = () => window.scrollTo(0, document.body.scrollHeight);

  function bubble(who) {
    const li = el('li', 'msg ' + who);
    li.setAttribute('aria-label', who === 'you' ? texts.you : texts.bot);
    log.appendChild(li);
    return li;
  }

  function drawReply(reply) {
    const li = bubble('bot');
    if (reply.text) li.appendChild(el('p', null, reply.text));
    if (reply.type === 'choice' && Array.isArray(reply.options)) {
      const options = el('div', 'options');
      for (const o of reply.options) {
        const b = el('button', 'option', o.label);
        b.type = 'button';
        b.addEventListener('click', () => send({ choice: o.id }, o.label));
        options.appendChild(b);
      }
      li.appendChild(options);
    } else if (reply.type === 'link' && safeUrl(reply.url)) {
      const a = el('a', 'button', texts.open);
      a.href = reply.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      li.appendChild(a);
    } else if (reply.type === 'document' && safeUrl(reply.url)) {
      const a = el('a', 'document', texts.download + ': ' + (reply.name || ''));
      a.href = reply.url;
      a.setAttribute('download', reply.name || '');
      li.appendChild(a);
    } else if (reply.type === 'image' && safeUrl(reply.url)) {
      const img = el('img', 'image');
      img.src = reply.url;
      img.alt = texts.image;
      li.appendChild(img);
    }
  }

  function drawYou(text) { bubble('you').appendChild(el('p', null, text)); }
  function drawNotice(text) { const li = bubble('bot'); li.classList.add('notice'); li.appendChild(el('p', null, text)); scroll(); }

  function expectInput(kind) { input.inputMode = kind === 'number' ? 'numeric' : 'text'; }

  function showReplies(replies, expect) {
    for (const r of replies) { drawReply(r); remember({ bot: r }); }
    if (expect) expectInput(expect);
    scroll();
  }

  // Older buttons answer a question that has moved on: only the latest choice stays pressable.
  const retireOptions = () => log.querySelectorAll('button.option').forEach((b) => { b.disabled = true; });

  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  let queue = Promise.resolve();

  // One message at a time, in order. A lost answer is retried with the same id, which the server applies once.
  function send(payload, shown) {
    retireOptions();
    if (shown) { drawYou(shown); remember({ you: shown }); scroll(); }
    const body = JSON.stringify(Object.assign({ session: session, id: randomId(12) }, payload));
    queue = queue.then(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        let res;
        try {
          res = await fetch(api, {
            method: 'POST', body: body, cache: 'no-store', credentials: 'same-origin',
            // Under the page's no-referrer policy the Fetch standard sends «Origin: null» on a POST, which the server
            // refuses; same-origin keeps our real Origin in every browser (Chromium sends it either way).
            referrerPolicy: 'same-origin',
            headers: { 'Content-Type': 'application/json', 'Accept-Language': texts.lang },
          });
        } catch (e) { await wait(1000 * (attempt + 1)); continue; }
        if (res.ok) { const data = await res.json(); showReplies(data.replies || [], data.expect); return; }
        if (res.status === 429) { drawNotice(texts.slow); return; }
        if (res.status < 500) break;
        await wait(1000 * (attempt + 1));
      }
      drawNotice(texts.failed);
    });
    return queue;
  }

  let polling = false;
  async function poll() {
    if (polling || document.hidden) return;
    polling = true;
    try {
      const res = await fetch(api + '?after=' + after, { cache: 'no-store', credentials: 'same-origin', headers: { 'X-Chat-Session': session, 'Accept-Language': texts.lang } });
      if (!res.ok) return;
      const data = await res.json();
      for (const m of data.messages || []) {
        showReplies(m.replies || [], m.expect);
        after = Math.max(after, Number(m.seq) || 0);
      }
      if (local) local.setItem(keys.after, String(after));
    } catch (e) { /* offline: the next tick tries again */ } finally { polling = false; }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text }, text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  button.disabled = false;

  for (const entry of transcript) {
    if (entry.you) drawYou(entry.you);
    else if (entry.bot) drawReply(entry.bot);
  }
  retireOptions();
  log.querySelectorAll('li.msg:last-child button.option').forEach((b) => { b.disabled = false; });
  scroll();

  // A QR or a bill may open /chat/<org>?start=<signed token>: it links the account at once. The token leaves the
  // address bar right away, so it is not bookmarked or shared by accident.
  const params = new URLSearchParams(location.search);
  const start = params.get('start');
  if (start && /^[\w.-]{1,512}$/.test(start)) {
    params.delete('start');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
    send({ text: '/start ' + start });
  } else if (transcript.length === 0) {
    send({ text: '/start' });
  }
  setInterval(poll, POLL_MS);
  poll();
})();
