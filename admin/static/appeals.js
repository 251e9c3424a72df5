// The appeals inbox and card, live: deadline timers that count every second, and canned answers that fill the
// reply. Without it the server's words stand as rendered, the list is reloaded by hand, and the server expands a
// chosen canned answer itself. The list's refresh every 20 s is htmx's (hx-trigger on #appeals-list).
(() => {
  // The server's clock, not the browser's: a wrong clock on a dispatcher's PC must not hide a missed deadline.
  const offsets = new WeakMap();

  // The same words as spanText in admin/views/appeals-parts.tsx.
  function span(ms, units) {
    const s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (d > 0) return `${d} ${units[0]} ${h} ${units[1]}`;
    if (h > 0) return `${h} ${units[1]} ${m} ${units[2]}`;
    return `${m} ${units[2]} ${s % 60} ${units[3]}`;
  }

  function tick() {
    for (const el of document.querySelectorAll('time[data-due]')) {
      const host = el.closest('[data-timers]');
      if (!host) continue;
      if (!offsets.has(host)) offsets.set(host, (Date.parse(host.dataset.now) || Date.now()) - Date.now());
      const left = Date.parse(el.dataset.due) - (Date.now() + offsets.get(host));
      if (Number.isNaN(left)) continue;
      const words = (left >= 0 ? host.dataset.left : host.dataset.over) || '{time}';
      const text = words.replace('{time}', span(left, (host.dataset.units || 'd h min s').split(' ')));
      if (el.textContent !== text) el.textContent = text;
      if (left < 0 && !el.classList.contains('sla-over')) {
        el.classList.add('sla-over');
        const row = el.closest('tr');
        if (row) row.classList.add('sla-row-breached');
      }
    }
  }

  // A canned answer goes into the reply's text (after what is already written); the text is what gets sent.
  document.addEventListener('change', (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.dataset.canned) return;
    const area = document.getElementById(select.dataset.canned);
    const option = select.selectedOptions[0];
    if (!(area instanceof HTMLTextAreaElement) || !option || !option.dataset.text) return;
    area.value = area.value.trim() ? `${area.value.trimEnd()}\n\n${option.dataset.text}` : option.dataset.text;
    area.focus();
  });

  tick();
  setInterval(tick, 1000);
})();
