// Small progressive enhancements; every page works without them.
document.addEventListener('DOMContentLoaded', () => {
  // Selects marked data-autosubmit send their form when changed (organisation switcher, filters).
  for (const select of document.querySelectorAll('select[data-autosubmit]')) {
    select.addEventListener('change', () => select.form && select.form.requestSubmit());
  }
  // htmx requests carry the CSRF token the page was rendered with.
  const token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener('htmx:configRequest', (event) => {
    if (token) event.detail.headers['X-CSRF-Token'] = token.getAttribute('content');
  });
});
