// The labelling page. Text from the server is only ever set as textContent, never parsed as HTML.
const CSRF_COOKIE = 'infogap-xsrf';
const CSRF_HEADER = 'X-XSRF-TOKEN';
const CMI_KEYS = { '1': '0', '2': '0.25', '3': '0.5', '4': '0.75', '5': '1' };
const SC_KEYS = { q: '-1', w: '-0.5', e: '0', r: '0.5', t: '1' };
const TYPE_KEYS = { z: 'Photograph', x: 'Illustration', c: 'Chart', v: 'Map', b: 'Diagram', n: 'Other' };

const $ = (id) => document.getElementById(id);
const state = { annotator: null, pair: null, cmi: null, sc: null, type: null, snippets: [], view: 'queue', busy: false };

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return '';
}

async function api(path, body) {
  const init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.headers[CSRF_HEADER] = csrfToken();
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.detail || data.title || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function say(message, isError = false) {
  const status = $('status');
  status.textContent = message;
  status.classList.toggle('error', isError);
}

function press(group, attribute, value) {
  for (const button of $(group).querySelectorAll(`button[${attribute}]`)) {
    button.setAttribute('aria-pressed', String(button.getAttribute(attribute) === value));
  }
}

function choose(kind, value) {
  state[kind] = value;
  press(kind, `data-${kind}`, value);
  $('save').disabled = !(state.cmi !== null && state.sc !== null && state.pair);
}

function renderSnippets() {
  const list = $('snippets');
  list.replaceChildren(...state.snippets.map((snippet, i) => {
    const item = document.createElement('li');
    item.textContent = snippet;
    item.title = 'click to remove';
    item.addEventListener('click', () => { state.snippets.splice(i, 1); renderSnippets(); });
    return item;
  }));
}

function describe(label) {
  return `CMI ${label.cmi}, SC ${label.sc}${label.type ? `, ${label.type}` : ''}`;
}

function renderProgress(progress) {
  if (!progress) return;
  const parts = [`${progress.done} of ${progress.total} labelled`];
  if (progress.per_hour > 0) {
    parts.push(`${Math.round(progress.per_hour)} per hour`);
    const minutes = Math.round(progress.eta_seconds / 60);
    parts.push(minutes >= 120 ? `about ${Math.round(minutes / 60)} h left at this rate` : `about ${minutes} min left at this rate`);
  }
  if (progress.order) parts.push(`order: ${progress.order}`);
  $('progress').textContent = parts.join(' · ');
}

function show(data) {
  renderProgress(data.progress);
  const pair = data.pair;
  state.pair = pair;
  $('done').hidden = !!pair;
  $('pair').hidden = !pair;
  $('label-form').hidden = !pair;
  if (!pair) return;
  $('image').src = pair.image;
  $('caption').textContent = pair.caption || '';
  $('pair-key').textContent = pair.key;
  $('pair-split').textContent = pair.split;
  $('pair-position').textContent = `#${pair.position + 1} in the queue`;
  $('text').textContent = pair.sentences.join(' ');
  const reference = $('reference');
  reference.hidden = !pair.reference;
  reference.textContent = pair.reference ? `Label in the file under review: ${describe(pair.reference)}` : '';
  const others = $('others');
  others.hidden = !(pair.others && pair.others.length);
  others.textContent = pair.others && pair.others.length
    ? 'Annotators: ' + pair.others.map((o) => `${o.annotator}: ${describe(o)}`).join('; ') : '';
  const mine = pair.mine;
  choose('cmi', mine ? String(mine.cmi) : null);
  choose('sc', mine ? String(mine.sc) : null);
  choose('type', mine ? mine.type : null);
  state.snippets = mine ? [...mine.snippets] : [];
  renderSnippets();
}

async function next() {
  show(await api(`api/next?view=${encodeURIComponent(state.view)}`));
}

async function act(work) {
  if (state.busy) return;
  state.busy = true;
  try {
    await work();
  } catch (error) {
    if (error.status === 401) return signedOut();
    say(error.message, true);
  } finally {
    state.busy = false;
  }
}

function save() {
  if (state.cmi === null || state.sc === null || !state.pair) {
    say('choose a CMI level (1-5) and an SC level (Q-T) first', true);
    return;
  }
  act(async () => {
    const key = state.pair.key;
    await api('api/labels', {
      pair: key, cmi: Number(state.cmi), sc: Number(state.sc), type: state.type || '', snippets: state.snippets,
    });
    say(`saved ${key}`);
    await next();
  });
}

function skip() {
  if (!state.pair) return;
  act(async () => {
    const key = state.pair.key;
    await api('api/skip', { pair: key });
    say(`skipped ${key}`);
    await next();
  });
}

function undo() {
  act(async () => {
    const result = await api('api/undo', {});
    if (!result.undone) {
      say('nothing to undo', true);
      return;
    }
    say(`undid the label of ${result.undone}`);
    show(result);
  });
}

function mark() {
  const selection = window.getSelection();
  const text = selection ? selection.toString().trim() : '';
  if (!text || !$('text').contains(selection.anchorNode)) {
    say('select words in the text first', true);
    return;
  }
  if (!state.snippets.includes(text)) state.snippets.push(text);
  selection.removeAllRanges();
  renderSnippets();
}

function toggleView() {
  state.view = state.view === 'queue' ? 'disagreements' : 'queue';
  $('view').value = state.view;
  act(next);
}

function signedOut() {
  state.annotator = null;
  $('work').hidden = true;
  $('login').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('token').focus();
}

async function signedIn(annotator) {
  state.annotator = annotator;
  $('login').hidden = true;
  $('work').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `labelling as ${annotator}`;
  await next();
}

async function signIn(token) {
  $('login-error').textContent = '';
  try {
    const session = await api('api/session', { token });
    await signedIn(session.annotator);
  } catch (error) {
    $('login-error').textContent = error.message;
    signedOut();
  }
}

function onKey(event) {
  if (!state.annotator || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
  const key = event.key.toLowerCase();
  if (CMI_KEYS[key] !== undefined) choose('cmi', CMI_KEYS[key]);
  else if (SC_KEYS[key] !== undefined) choose('sc', SC_KEYS[key]);
  else if (TYPE_KEYS[key] !== undefined) choose('type', TYPE_KEYS[key]);
  else if (key === 'enter') save();
  else if (key === 's') skip();
  else if (key === 'u') undo();
  else if (key === 'm') mark();
  else if (key === 'd') toggleView();
  else return;
  event.preventDefault();
}

function wire() {
  for (const button of document.querySelectorAll('button[data-cmi]')) {
    button.addEventListener('click', () => choose('cmi', button.dataset.cmi));
  }
  for (const button of document.querySelectorAll('button[data-sc]')) {
    button.addEventListener('click', () => choose('sc', button.dataset.sc));
  }
  for (const button of document.querySelectorAll('button[data-type]')) {
    button.addEventListener('click', () => choose('type', button.dataset.type));
  }
  $('label-form').addEventListener('submit', (event) => { event.preventDefault(); save(); });
  $('skip').addEventListener('click', skip);
  $('undo').addEventListener('click', undo);
  $('mark').addEventListener('click', mark);
  $('view').addEventListener('change', () => { state.view = $('view').value; act(next); });
  $('login-form').addEventListener('submit', (event) => { event.preventDefault(); signIn($('token').value); });
  $('logout').addEventListener('click', () => act(async () => { await api('api/session/end', {}); signedOut(); }));
  document.addEventListener('keydown', onKey);
}

async function start() {
  wire();
  const session = await api('api/session'); // also sets the CSRF cookie
  // a sign-in link carries the token in the fragment, which never reaches a server or a log
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    history.replaceState(null, '', location.pathname + location.search);
    await signIn(fromLink);
  } else if (session.annotator) {
    await signedIn(session.annotator);
  } else {
    signedOut();
  }
}

start().catch((error) => say(error.message, true));
