/**
 * A minimal page that talks to the visitor endpoints of one line: start, send, and read replies
 * by SSE. It shows the endpoints at work; a real site embeds its own widget.
 */
export function demoPage(hash: string): string {
  const base = `/livechat/${encodeURIComponent(hash)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live chat</title>
<style>
  body { font: 15px system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; }
  #log { border: 1px solid #ccc; border-radius: 6px; height: 22rem; overflow-y: auto; padding: .5rem; }
  .me { text-align: right; color: #145; } .op { color: #333; } .op b { color: #555; }
  form { display: flex; gap: .5rem; margin-top: .5rem; } input { flex: 1; padding: .4rem; }
</style>
</head>
<body>
<h1>Live chat</h1>
<div id="log" aria-live="polite"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="Write a message" required><button>Send</button></form>
<script>
const base = ${JSON.stringify(base)};
const key = 'switchboard-livechat:' + base;
const log = document.getElementById('log');
function show(text, cls, who) {
  const p = document.createElement('p');
  p.className = cls;
  if (who) { const b = document.createElement('b'); b.textContent = who + ': '; p.append(b); }
  p.append(document.createTextNode(text));
  log.append(p);
  log.scrollTop = log.scrollHeight;
  return p;
}
/** The visitor's own messages by id, to mark read. */
const mine = new Map();
async function session() {
  const kept = JSON.parse(localStorage.getItem(key) || 'null');
  if (kept && new Date(kept.expiresAt) > new Date()) return kept;
  const res = await fetch(base + '/start', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: location.href }) });
  const started = (await res.json()).data;
  localStorage.setItem(key, JSON.stringify(started));
  return started;
}
session().then((s) => {
  const events = new EventSource(base + '/events?token=' + encodeURIComponent(s.token));
  events.addEventListener('message', (e) => { const ev = JSON.parse(e.data); show(ev.message.text, 'op', ev.message.author || 'Operator'); });
  events.addEventListener('update', (e) => { const ev = JSON.parse(e.data); show(ev.message.text + ' (edited)', 'op', ev.message.author || 'Operator'); });
  events.addEventListener('read', (e) => {
    const p = mine.get(JSON.parse(e.data).message.id);
    if (p && !p.dataset.read) { p.dataset.read = '1'; p.append(document.createTextNode(' ✓ read')); }
  });
  document.getElementById('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = document.getElementById('text');
    const text = input.value;
    input.value = '';
    const res = await fetch(base + '/messages', { method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.token }, body: JSON.stringify({ text }) });
    const p = show(res.ok ? text : text + ' (not sent)', 'me');
    if (res.ok) mine.set((await res.json()).id, p);
  });
});
</script>
</body>
</html>
`;
}
