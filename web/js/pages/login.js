// login — 登录: user name and password, then for a user with a second
// factor the 6-digit code of their authenticator app (or a recovery code),
// clear Chinese errors, and the lock-out message after too many failures
// (the server answers 429 with Retry-After).

import * as api from '../api.js';
import { h, fill, field, say } from '../dom.js';

export function loginPage(main, { next, onSignedIn }) {
  const user = h('input', { name: 'user', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const code = h('input', { name: 'totp', autocomplete: 'one-time-code', inputmode: 'numeric', autocapitalize: 'characters', spellcheck: 'false', maxlength: '11' });
  const codeField = field('动态验证码', code, '手机验证器中的 6 位数字；手机丢失时可输入一个恢复码');
  codeField.hidden = true;
  const msg = h('div', { class: 'form-msg', 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit' }, '登录');
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title', novalidate: true },
    h('h1', { id: 'login-title' }, '登录'),
    h('p', { class: 'sub' }, '农村清洁取暖改造管理系统'),
    field('用户名', user),
    field('密码', password),
    codeField,
    msg,
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value.trim() || !password.value) {
      say(msg, !user.value.trim() ? '请输入用户名。' : '请输入密码。', 'error');
      (!user.value.trim() ? user : password).focus();
      return;
    }
    if (!codeField.hidden && !code.value.trim()) {
      say(msg, '请输入动态验证码。', 'error');
      code.focus();
      return;
    }
    button.disabled = true;
    say(msg, '正在登录…');
    try {
      const body = { user: user.value.trim(), password: password.value };
      if (!codeField.hidden) body.totp = code.value.trim();
      const who = await api.post('/api/session', body);
      password.value = '';
      code.value = '';
      await onSignedIn(who, next);
    } catch (e) {
      let text;
      let focus = password;
      if (e.status === 401 && e.code === 'totp_required') {
        const asked = !codeField.hidden;
        codeField.hidden = false;
        text = asked ? '动态验证码不正确或已用过，请输入验证器中新的 6 位数字。' : '该账户须二次验证：请输入手机验证器中的 6 位动态验证码。';
        code.value = '';
        focus = code;
      } else if (e.status === 401) text = '用户名或密码不正确，请检查后重试。连续失败 5 次后将暂停登录。';
      else if (e.status === 429) {
        const min = Math.max(1, Math.ceil(Number(e.retryAfter || 900) / 60));
        text = `登录失败次数过多，账户已被暂时锁定。请 ${min} 分钟后再试，或联系管理员。`;
      } else if (e.status === undefined) text = '无法连接服务器，请检查网络。';
      else text = `登录失败：${e.message}`;
      say(msg, text, 'error');
      if (focus === password) password.value = '';
      focus.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h('div', { class: 'login-wrap' }, form));
  user.focus();
}
