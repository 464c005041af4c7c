// login — 登录: user name and password, clear Chinese errors, and the
// lock-out message after too many failures (the server answers 429 with
// Retry-After).

import * as api from '../api.js';
import { h, fill, field, say } from '../dom.js';

export function loginPage(main, { next, onSignedIn }) {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit' }, '登录');
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, '登录'),
    h('p', { class: 'sub' }, '农村清洁取暖改造管理系统'),
    field('用户名', user),
    field('密码', password),
    msg,
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value.trim() || !password.value) {
      say(msg, !user.value.trim() ? '请输入用户名。' : '请输入密码。', 'error');
      (!user.value.trim() ? user : password).focus();
      return;
    }
    button.disabled = true;
    say(msg, '正在登录…');
    try {
      const who = await api.post('/api/session', { user: user.value.trim(), password: password.value });
      password.value = '';
      await onSignedIn(who, next);
    } catch (e) {
      let text;
      if (e.status === 401) text = '用户名或密码不正确，请检查后重试。连续失败 5 次后将暂停登录。';
      else if (e.status === 429) {
        const min = Math.max(1, Math.ceil(Number(e.retryAfter || 900) / 60));
        text = `登录失败次数过多，账户已被暂时锁定。请 ${min} 分钟后再试，或联系管理员。`;
      } else if (e.status === undefined) text = '无法连接服务器，请检查网络。';
      else text = `登录失败：${e.message}`;
      say(msg, text, 'error');
      password.value = '';
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h('div', { class: 'login-wrap' }, form));
  user.focus();
}
