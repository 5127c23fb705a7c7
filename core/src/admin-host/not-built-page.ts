/** The page served at /admin when there is no admin UI build: what happened and what to run. */
const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderNotBuiltPage(options: { reason: string; nonce: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>NovumDesk admin UI not built</title>
<style nonce="${escapeHtml(options.nonce)}">
body{font:15px/1.6 system-ui,sans-serif;margin:0;color:#1b2130;background:#f5f6f8}
main{max-width:40rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #dfe3e9;border-radius:8px}
h1{font-size:1.3rem;margin-top:0}code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f0f2f5;padding:.75rem 1rem;border-radius:5px}.muted{color:#5d6677}
</style></head>
<body><main>
<h1>The admin UI is not built</h1>
<p>This server runs, and its API is available, but ${escapeHtml(options.reason)}.</p>
<p>Build it from the NovumDesk checkout, then reload this page:</p>
<pre>npm run build</pre>
<p class="muted">Only the admin UI: <code>npm run build -w @novumdesk/admin-ui</code>.
The API reference is at <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</main></body></html>`;
}
