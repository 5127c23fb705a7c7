/**
 * The help center's two static files, served from memory at `/help/_/kb.css` and `/help/_/kb.js`
 * (`/_/…` on a custom host) with a content hash in the URL and a one-year immutable cache.
 * The script only enhances: article suggestions under the contact form's subject.
 */
import { createHash } from 'node:crypto';

export const KB_CSS = `*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
a{color:var(--kb-primary,#1f6feb)}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid var(--kb-primary,#1f6feb);outline-offset:2px}
.kb-wrap{max-width:52rem;margin:0 auto;padding:0 1rem}
.kb-skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.kb-skip:focus{left:.5rem}
.kb-sr,.kb-hp{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.kb-header{border-bottom:1px solid #d0d7de;padding:.75rem 0;margin-bottom:1.5rem}
.kb-header .kb-wrap{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
.kb-brand{display:flex;gap:.5rem;align-items:center;font-weight:600;text-decoration:none;color:inherit}
.kb-search{display:flex;gap:.5rem}
.kb-search-big{margin:1rem 0}
.kb-search-big label{position:absolute;left:-999px}
input,textarea{font:inherit;padding:.4rem .6rem;border:1px solid #8c959f;border-radius:6px;max-width:100%}
button{font:inherit;padding:.4rem .9rem;border:0;border-radius:6px;background:var(--kb-primary,#1f6feb);color:#fff;cursor:pointer}
.kb-langs ul,.kb-crumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.75rem;margin:0;padding:0}
.kb-crumbs li+li::before{content:"/";margin-right:.75rem;color:#656d76}
.kb-list{list-style:none;padding:0}
.kb-list li{margin:.75rem 0}
.kb-list p{margin:.25rem 0 0;color:#656d76}
.kb-results mark{background:#fff8c5;color:inherit}
.kb-notice{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .75rem;border-radius:6px}
.kb-meta{color:#656d76;font-size:.9rem}
.kb-body img{max-width:100%;height:auto}
.kb-body pre{overflow:auto;background:#f6f8fa;padding:.75rem;border-radius:6px}
.kb-body table{border-collapse:collapse}
.kb-body td,.kb-body th{border:1px solid #d0d7de;padding:.3rem .6rem}
.kb-feedback,.kb-related{border-top:1px solid #d0d7de;margin-top:2rem;padding-top:1rem}
.kb-feedback h2{font-size:1rem}
.kb-field{margin:1rem 0;display:flex;flex-direction:column;gap:.25rem}
.kb-error{color:#cf222e;margin:0}
.kb-invalid input,.kb-invalid textarea{border-color:#cf222e}
.kb-footer{border-top:1px solid #d0d7de;margin-top:3rem;padding:1rem 0}
`;

export const KB_JS = `(function () {
  'use strict';
  var input = document.querySelector('[data-kb-suggest]');
  var box = document.getElementById('kb-suggestions');
  if (!input || !box || !window.fetch) return;
  var timer = null, last = '';
  function show(hits) {
    box.textContent = '';
    if (!hits.length) return;
    var title = document.createElement('p');
    title.textContent = box.getAttribute('data-title');
    var list = document.createElement('ul');
    hits.forEach(function (hit) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = hit.url;
      link.textContent = hit.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (q.length < 3) return show([]);
      fetch(input.getAttribute('data-kb-suggest') + '?q=' + encodeURIComponent(q), {
        headers: { accept: 'application/json' }
      }).then(function (r) { return r.ok ? r.json() : { data: [] }; })
        .then(function (body) { if (input.value.trim() === q) show(body.data || []); })
        .catch(function () {});
    }, 250);
  });
})();
`;

export const STATIC_VERSION = createHash('sha1')
  .update(KB_CSS)
  .update(KB_JS)
  .digest('hex')
  .slice(0, 10);
