// totp — 二次验证 (every user, for themselves): whether the account has a
// second factor, and enrolling one: the server makes the secret and its QR
// code (an SVG, shown as an image), the user scans it with an authenticator
// app and confirms with one code, and the ten recovery codes are shown
// once. A user of a role that requires a second factor who has none yet
// signs in to this page only (docs/auth.md).

import * as api from '../api.js';
import { h, fill, field, say, errorText } from '../dom.js';

/** The server's SVG text as an element (parsed as SVG, never as HTML). */
function svgImage(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  return svg && svg.nodeName === 'svg' ? document.importNode(svg, true) : null;
}

export async function totpPage(main, { session, go }) {
  const me = session.user;
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const work = h('div', {});
  const state = me.totp_enrolled
    ? h('p', { class: 'msg ok', role: 'status' }, '您的账户已绑定动态验证码。更换手机或遗失时，请联系州级管理员重置后重新绑定。')
    : me.totp_required
      ? h('p', { class: 'msg error', role: 'alert' }, `${me.role_label}登录须二次验证：请先绑定动态验证码，绑定后即可使用其他功能。`)
      : h('p', { class: 'note' }, '您的角色可选用二次验证：绑定后，登录时除密码外还须输入手机验证器中的动态验证码。');

  const start = h('button', { type: 'button', 'data-change': '' }, '开始绑定');
  start.addEventListener('click', async () => {
    start.disabled = true;
    try {
      const res = await api.post('/api/users/totp-enroll', {});
      start.hidden = true;
      showSecret(res.data);
    } catch (e) {
      say(msg, errorText(e), 'error');
      start.disabled = false;
    }
  });

  function showSecret(d) {
    const code = h('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6', required: true });
    const image = d.qr_svg ? svgImage(d.qr_svg) : null;
    // without the code (the server could not draw it), why, and the secret
    const qr = image
      ? h('figure', { class: 'qr', role: 'img', 'aria-label': '动态验证码绑定二维码（内容与下方密钥相同）' }, image)
      : h('p', { class: 'msg error', role: 'alert' }, `无法显示二维码（${d.qr_error || '服务器未给出二维码'}）。请在验证器中手动输入下面的密钥。`);
    const form = h('form', { class: 'card', 'aria-labelledby': 'h-confirm', novalidate: true },
      h('h2', { id: 'h-confirm' }, '扫描二维码并确认'),
      h('ol', {},
        h('li', {}, '在手机上打开验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）。'),
        h('li', {}, '扫描下面的二维码；无法扫描时，手动输入密钥。'),
        h('li', {}, '输入应用显示的 6 位数字，点“确认绑定”。')),
      qr,
      h('p', {}, '密钥（只显示这一次）：', h('code', { class: 'secret', tabindex: '0' }, d.secret)),
      field('动态验证码', code, '验证器当前显示的 6 位数字'),
      h('button', { type: 'submit', 'data-change': '' }, '确认绑定'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!/^\d{6}$/.test(code.value.trim())) {
        say(msg, '请输入 6 位数字的动态验证码。', 'error');
        code.focus();
        return;
      }
      try {
        const res = await api.post('/api/users/totp-enroll', { code: code.value.trim(), secret: d.secret });
        me.totp_enrolled = true;
        me.enrol_only = false;
        showRecovery(res.data.recovery_codes);
      } catch (e) {
        say(msg, e.field === 'code' ? `${e.message}` : errorText(e), 'error');
        code.value = '';
        code.focus();
      }
    });
    fill(work, form);
    code.focus();
  }

  function showRecovery(codes) {
    const done = h('button', { type: 'button' }, '已保存，继续');
    done.addEventListener('click', () => go('overview', {}, true));
    fill(work, h('section', { class: 'card', 'aria-labelledby': 'h-recovery' },
      h('h2', { id: 'h-recovery' }, '恢复码'),
      h('p', { class: 'msg ok', role: 'status' }, '已绑定动态验证码。以下 10 个恢复码在手机丢失时各可代替动态验证码登录一次，只显示这一次，请抄下后妥善保管。'),
      h('ul', { class: 'recovery' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
      done));
    done.focus();
  }

  fill(main, h('h1', {}, '二次验证'), state, msg, work, me.totp_enrolled ? null : start);
}
