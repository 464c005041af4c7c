// audit — 审计日志: the log, newest first, filtered by object; and the
// verification of its hash chain.

import * as api from '../api.js';
import { h, fill, field, say, errorText, reportTable } from '../dom.js';

export async function auditPage(main, { params, go }) {
  const object = h('input', { name: 'object', value: params.object || '', placeholder: '如 household: 或 user:wang' });
  const limit = h('input', { name: 'limit', type: 'number', min: '1', max: '10000', value: params.limit || '200', inputmode: 'numeric' });
  const form = h('form', { class: 'toolbar', 'aria-label': '筛选审计日志' }, field('对象（前缀）', object), field('条数', limit),
    h('button', { type: 'submit' }, '查询'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go('audit', { object: object.value.trim(), limit: limit.value });
  });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const verify = h('button', { type: 'button', onclick: async () => {
    say(msg, '正在校验…');
    try {
      const res = await api.post('/api/audit/verify', {});
      say(msg, res.message.trim(), 'ok');
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  } }, '校验哈希链');
  const out = h('div', {});
  fill(main, h('h1', {}, '审计日志'), form, h('div', { class: 'actions' }, verify), msg, out);
  const t = api.table(await api.get('/api/audit/log', { object: params.object, limit: params.limit || 200 }));
  fill(out, reportTable(t, { caption: '' }));
}
