// users — 用户与权限 (administrators): users with their roles, scopes and
// second factors, adding one, resetting a password, disabling and enabling,
// resetting a lost second factor; API tokens with their users' roles.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable } from '../dom.js';

const ROLES = [
  ['prefecture_admin', '州级管理员'], ['county_operator', '县市操作员'], ['township_operator', '乡镇录入员'],
  ['reviewer', '复核人员'], ['finance', '财务人员'], ['auditor', '审计人员（只读）'],
];

export async function usersPage(main) {
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const list = h('div', {});
  const tokens = h('div', {});
  const act = (fn) => async () => {
    try {
      const res = await fn();
      if (res) say(msg, res.message.trim(), 'ok');
      await reload();
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  };
  const reload = async () => {
    const [u, t] = await Promise.all([api.get('/api/users').then(api.table), api.get('/api/tokens').then(api.table)]);
    fill(list, reportTable(u, { caption: '', actions: (r) => h('span', { class: 'actions' },
      h('button', { type: 'button', class: 'small', 'data-change': '', 'aria-label': `停用 ${r.name}`, onclick: act(() => (window.confirm(`停用用户 ${r.name}？其登录和令牌将立即失效。`) ? api.post('/api/users/disable', { name: r.name }) : null)) }, '停用'),
      h('button', { type: 'button', class: 'small', 'data-change': '', 'aria-label': `启用 ${r.name}`, onclick: act(() => api.post('/api/users/enable', { name: r.name })) }, '启用'),
      r.totp === '已绑定' ? h('button', { type: 'button', class: 'small', 'data-change': '', 'aria-label': `重置 ${r.name} 的二次验证`, onclick: act(() => (window.confirm(`清除 ${r.name} 的动态验证码和恢复码？其下次登录须重新绑定。`) ? api.post('/api/users/totp-reset', { name: r.name }) : null)) }, '重置二次验证') : null) }));
    fill(tokens, reportTable(t, { caption: '', actions: (r) => (r.revoked && r.revoked !== '否' ? '' :
      h('button', { type: 'button', class: 'small', 'data-change': '', 'aria-label': `撤销令牌 ${r.id}`, onclick: act(() => api.post('/api/tokens/revoke', { id: String(r.id) })) }, '撤销')) }));
  };

  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const role = select('role', ROLES, 'county_operator');
  const scope = h('input', { name: 'scope', placeholder: '如 昌吉市；州级角色留空' });
  const add = h('form', { class: 'card', 'aria-labelledby': 'h-add' }, h('h2', { id: 'h-add' }, '添加用户'),
    h('div', { class: 'grid' }, field('用户名', name), field('角色', role), field('范围（县市或乡镇）', scope)),
    h('button', { type: 'submit', 'data-change': '' }, '添加'));
  add.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(() => api.post('/api/users/add', { name: name.value.trim(), role: role.value, scope: scope.value.trim() || undefined }))();
  });

  const pwUser = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const pw = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '10' });
  const passwd = h('form', { class: 'card', 'aria-labelledby': 'h-pw' }, h('h2', { id: 'h-pw' }, '重置密码'),
    h('div', { class: 'grid' }, field('用户名', pwUser), field('新密码', pw, '至少 10 个字符')),
    h('button', { type: 'submit', 'data-change': '' }, '重置'));
  passwd.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(() => api.post('/api/users/passwd', { name: pwUser.value.trim(), password: pw.value }).finally(() => { pw.value = ''; }))();
  });

  const tUser = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const days = h('input', { name: 'expires', type: 'number', min: '1', max: '3650', value: '90', inputmode: 'numeric' });
  const shown = h('div', { 'aria-live': 'polite' });
  const mk = h('form', { class: 'card', 'aria-labelledby': 'h-tok' }, h('h2', { id: 'h-tok' }, '创建 API 令牌'),
    h('div', { class: 'grid' }, field('用户名', tUser), field('有效天数', days)),
    h('button', { type: 'submit', 'data-change': '' }, '创建'), shown);
  mk.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const res = await api.post('/api/tokens/create', { name: tUser.value.trim(), expires: Number(days.value) });
      fill(shown, h('p', { class: 'msg ok', role: 'status' }, '令牌只显示这一次，请立即保存：'), h('pre', { class: 'token', tabindex: '0' }, res.message.trim()));
      await reload();
    } catch (e) {
      say(shown, errorText(e), 'error');
    }
  });

  fill(main, h('h1', {}, '用户与权限'), msg,
    h('section', { 'aria-labelledby': 'h-users' }, h('h2', { id: 'h-users' }, '用户'), list), add, passwd,
    h('section', { 'aria-labelledby': 'h-tokens' }, h('h2', { id: 'h-tokens' }, 'API 令牌'), tokens), mk);
  await reload();
}
