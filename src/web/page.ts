/**
 * The dashboard's HTML shell. Everything visible is drawn by assets/dashboard.js from the JSON
 * API; the shell carries the landmarks, the skip link, the language and both locales' texts
 * (as inert JSON, so the Content-Security-Policy can forbid inline scripts).
 */
import type { Locale } from '../i18n/findings.js';
import { WEB_TEXTS } from '../i18n/web.js';

export interface PageParams {
  readonly locale: Locale;
  /** Shown in the header ("Angemeldet als …"); undefined for `freigabe serve`. */
  readonly login?: string;
  /** Where "Abmelden" posts to; only with a login. */
  readonly signOutPath?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot close its <script> element. */
function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function dashboardPage(params: PageParams): string {
  const t = WEB_TEXTS[params.locale];
  const user = params.login
    ? `<form class="user" method="post" action="${escapeHtml(params.signOutPath ?? 'auth/logout')}"><span>${escapeHtml(t.signedInAs.replace('{login}', params.login))}</span> <button type="submit">${escapeHtml(t.signOut)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="${params.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/dashboard.css">
<script type="application/json" id="freigabe-texts">${inertJson(WEB_TEXTS)}</script>
<script src="assets/dashboard.js" defer></script>
</head>
<body${params.login ? ` data-login="${escapeHtml(params.login)}"` : ''}>
<a class="skip" href="#main">${escapeHtml(t.skip)}</a>
<header class="top">
<p class="brand">freigabe</p>
<div id="lang" class="lang" role="group" aria-label="${escapeHtml(t.language)}">
<button type="button" data-lang="de" lang="de" aria-pressed="${params.locale === 'de'}">Deutsch</button>
<button type="button" data-lang="en" lang="en" aria-pressed="${params.locale === 'en'}">English</button>
</div>
${user}
</header>
<main id="main" tabindex="-1">
<h1 id="title">${escapeHtml(t.title)}</h1>
<p id="meta" class="meta"></p>
<p id="status" class="status" role="status">${escapeHtml(t.loading)}</p>
<div id="app"></div>
</main>
</body>
</html>
`;
}
