// app — the dashboard's shell: sign-in state, the menu (each page only for
// the roles whose operations it calls, as the server's OpenAPI description
// lists them), and a router over the location's hash (#/overview?year=2023)
// that shows one page at a time in <main>.

import * as api from './api.js';
import { h, fill, say, errorText } from './dom.js';
import { loginPage } from './pages/login.js';
import { overviewPage } from './pages/overview.js';
import { countyPage } from './pages/county.js';
import { householdsPage, householdPage } from './pages/households.js';
import { progressPage } from './pages/progress.js';
import { dispatchPage } from './pages/dispatch.js';
import { reviewPage } from './pages/review.js';
import { fundsPage } from './pages/funds.js';
import { usersPage } from './pages/users.js';
import { auditPage } from './pages/audit.js';
import { totpPage } from './pages/totp.js';

// The pages in menu order: the operation a user must be allowed to call
// to see each (any of them).
const PAGES = [
  { path: 'overview', title: '全州总览', ops: ['report.dispatch'], render: overviewPage },
  { path: 'county', title: '县市详情', ops: ['report.county'], render: countyPage, hidden: true },
  { path: 'households', title: '农户台账', ops: ['household.list'], render: householdsPage },
  { path: 'household', title: '农户档案', ops: ['household.show'], render: householdPage, hidden: true },
  { path: 'progress', title: '进度填报', ops: ['event.record', 'event.import'], render: progressPage },
  { path: 'dispatch', title: '调度报表', ops: ['report.dispatch'], render: dispatchPage },
  { path: 'review', title: '验收复核', ops: ['review.list'], render: reviewPage },
  { path: 'funds', title: '资金', ops: ['subsidy.batches'], render: fundsPage },
  { path: 'users', title: '用户与权限', ops: ['user.add'], render: usersPage },
  { path: 'audit', title: '审计日志', ops: ['audit.log'], render: auditPage },
  { path: 'totp', title: '二次验证', ops: ['user.totp-enroll'], render: totpPage },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signout = document.getElementById('signout');
const status = document.getElementById('status');

/** What every page knows about the signed-in user. */
export const session = {
  user: null, // {user, role, role_label, scope, may_reveal}
  roles: {}, // operationId → roles allowed
  /** May the user call operation OP ("event.record")? */
  can(op) {
    return !!this.user && (this.roles[op] || []).includes(this.user.role);
  },
};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { page: parts[0] || '', args: parts.slice(1), params: Object.fromEntries(new URLSearchParams(query)) };
}

/** Goes to PAGE with PARAMS (replacing the history entry when REPLACE). */
export function go(page, params = {}, replace = false) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  const target = `#/${page}${q ? `?${q}` : ''}`;
  if (replace) {
    history.replaceState(null, '', target);
    route();
  } else if (location.hash === target) {
    route();
  } else {
    location.hash = target;
  }
}

function visible(p) {
  return p.ops.some((op) => session.can(op));
}

/** The menu's link for page P: a county operator's overview is her
 * county's detail page. */
function menuLink(p, current) {
  const own = p.path === 'overview' && session.user.role === 'county_operator' && session.user.scope && session.can('report.county');
  const href = own ? `#/county/${encodeURIComponent(session.user.scope)}` : `#/${p.path}`;
  const here = p.path === current || (own && current === 'county' && decodeURIComponent(location.hash).startsWith(decodeURIComponent(href)));
  return h('a', { href, 'aria-current': here ? 'page' : null },
    p.path === 'overview' && session.user.scope ? `${session.user.scope}总览` : p.title);
}

function drawMenu(current) {
  fill(nav, session.user ? h('ul', {}, PAGES.filter((p) => !p.hidden && visible(p) && (!session.user.enrol_only || p.path === 'totp')).map((p) =>
    h('li', {}, menuLink(p, current)))) : null);
  fill(who, session.user ? `${session.user.user}（${session.user.role_label}${session.user.scope ? `，${session.user.scope}` : ''}）` : '');
  signout.hidden = !session.user;
}

async function route() {
  const { page, args, params } = parseHash();
  say(status, '');
  if (!session.user) {
    drawMenu('login');
    document.title = '登录 - 农村清洁取暖改造管理';
    fill(main);
    loginPage(main, { next: page && page !== 'login' ? location.hash : '', onSignedIn: signedIn });
    return;
  }
  let p = PAGES.find((x) => x.path === page);
  if (session.user.enrol_only && (!p || p.path !== 'totp')) {
    // a role that requires a second factor enrols one before anything else
    p = PAGES.find((x) => x.path === 'totp');
    history.replaceState(null, '', '#/totp');
  }
  if (!p || !visible(p)) {
    const first = PAGES.find((x) => !x.hidden && visible(x));
    if (p && !visible(p)) say(status, `您的角色不能使用“${p.title}”页面。`, 'error');
    if (!first) {
      fill(main, h('h1', {}, '没有可用的页面'));
      return;
    }
    p = first;
    history.replaceState(null, '', `#/${p.path}`);
  }
  drawMenu(p.path);
  document.title = `${p.title} - 农村清洁取暖改造管理`;
  // each showing draws into its own element: one still loading when the
  // user has moved on draws into nothing
  const view = h('div', { class: 'view' }, h('p', { class: 'loading' }, '正在加载…'));
  fill(main, view);
  main.setAttribute('aria-busy', 'true');
  try {
    await p.render(view, { args, params, session, go, status });
  } catch (e) {
    if (e.status === 401 && e.code !== 'reauth_required') return signedOut();
    fill(view, h('h1', {}, p.title), h('p', { class: 'msg error', role: 'alert' }, errorText(e)));
  }
  if (view.isConnected) {
    main.removeAttribute('aria-busy');
    main.focus({ preventScroll: true });
  }
}

async function signedIn(user, next) {
  session.user = user;
  api.setCsrf(user.csrf_token);
  session.roles = await api.operationRoles();
  if (next && next !== location.hash) location.hash = next; // routed on hashchange
  else if (next) route();
  else go('overview', {}, true);
}

function signedOut() {
  session.user = null;
  api.setCsrf('');
  route();
}

signout.addEventListener('click', async () => {
  try {
    await api.del('/api/session');
  } catch (e) {
    // signed out already
  }
  signedOut();
  go('login', {}, true);
});

document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);

(async () => {
  try {
    const user = await api.get('/api/session');
    session.user = user;
    api.setCsrf(user.csrf_token);
    session.roles = await api.operationRoles();
  } catch (e) {
    session.user = null;
  }
  route();
})();
