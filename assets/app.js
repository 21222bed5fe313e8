// Herald dashboard: small progressive enhancements. Every page works without this script; it only
// makes things quicker (choices submit themselves, previews follow the typing, times show in the
// browser's own zone). Loaded as a module from /assets, so the CSP can forbid inline scripts.
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Waits until typing pauses. */
function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// Times: written on the server in the user's Herald zone; shown here in the viewer's own zone.
for (const el of document.querySelectorAll('time[data-local]')) {
  const at = new Date(el.getAttribute('datetime'));
  if (Number.isNaN(at.getTime())) continue;
  el.title = el.textContent;
  el.textContent = new Intl.DateTimeFormat(document.documentElement.lang, {
    weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23', timeZoneName: 'short',
  }).format(at);
}

// The server and template choice submits itself on change.
for (const form of document.querySelectorAll('form[data-autosubmit]')) {
  form.querySelector('[data-autosubmit-button]')?.setAttribute('hidden', '');
  for (const select of form.querySelectorAll('select')) {
    select.addEventListener('change', () => {
      // A new server has other templates: drop the template and language chosen for the old one.
      if (select.name === 'server') for (const other of form.querySelectorAll('select:not([name="server"])')) other.disabled = true;
      if (select.name === 'template') form.querySelector('select[name="lang"]')?.setAttribute('disabled', '');
      form.requestSubmit();
    });
  }
}

// "When": a live preview in the browser's zone, and a button to make that zone the Herald one.
const whenInput = document.querySelector('[data-when-preview]');
if (whenInput) {
  const output = document.getElementById('when-preview');
  const note = document.querySelector('[data-zone-note]');
  const zoneButton = note?.querySelector('[data-use-browser-zone]');
  let heraldZone = note?.dataset.heraldZone;
  const showZoneButton = () => {
    if (!zoneButton) return;
    zoneButton.hidden = !browserZone || browserZone === heraldZone;
    zoneButton.textContent = `${zoneButton.textContent.replace(/ \(.*\)$/, '')} (${browserZone})`;
  };
  showZoneButton();
  const laterRadio = document.querySelector('input[name="mode"][value="later"]');
  const whenField = document.querySelector('[data-when-field]');
  const syncMode = () => {
    if (!laterRadio || !whenField) return;
    whenField.hidden = !laterRadio.checked;
  };
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', syncMode);
  syncMode();
  let asked = 0;
  const preview = debounce(async () => {
    const when = whenInput.value.trim();
    const mine = ++asked;
    if (!when) {
      output.textContent = output.dataset.waiting;
      output.classList.remove('error');
      return;
    }
    const response = await fetch(`/api/when?${new URLSearchParams({ when, zone: browserZone })}`, { headers: { Accept: 'application/json' } });
    if (mine !== asked || !response.ok) return;
    const answer = await response.json();
    output.classList.toggle('error', !answer.ok);
    output.textContent = answer.ok ? [answer.text, answer.nextYear].filter(Boolean).join(' · ') : answer.message;
  }, 250);
  whenInput.addEventListener('input', preview);
  if (whenInput.value) preview();
  zoneButton?.addEventListener('click', async () => {
    const response = await fetch('/settings/timezone', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'x-csrf-token': csrf },
      body: new URLSearchParams({ zone: browserZone }),
    });
    const answer = await response.json().catch(() => ({ ok: false }));
    if (!answer.ok) return;
    heraldZone = answer.zone;
    const strong = note.querySelector('strong');
    if (strong) strong.textContent = answer.zone;
    showZoneButton();
    preview();
  });
}

// The template editor: the preview follows the typing.
const editor = document.querySelector('form[data-template-editor]');
const panel = document.querySelector('[data-template-preview]');
if (editor && panel) {
  editor.querySelector('[data-preview-button]')?.setAttribute('hidden', '');
  const part = (name) => panel.querySelector(`[data-preview-${name}]`);
  let asked = 0;
  const render = debounce(async () => {
    const mine = ++asked;
    const form = new FormData(editor);
    const body = new URLSearchParams();
    for (const name of ['lang', 'subject', 'text', 'html']) body.set(name, String(form.get(name) ?? ''));
    const response = await fetch(editor.dataset.previewUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'x-csrf-token': csrf },
      body,
    });
    if (mine !== asked) return;
    const answer = await response.json().catch(() => ({ ok: false, message: response.statusText }));
    const error = part('error');
    error.hidden = answer.ok;
    if (!answer.ok) {
      error.textContent = answer.message;
      return;
    }
    part('subject').textContent = answer.subject;
    part('variables').textContent = answer.variables.join(', ');
    part('text').textContent = answer.text;
    part('html').srcdoc = answer.html;
  }, 300);
  editor.addEventListener('input', render);
}
