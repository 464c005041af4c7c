// funds — 资金: funds received, reserved and paid per county and source;
// payment batches and their bank files (finance runs a batch); uploading
// the bank's return; the fund audit's findings; households' payment status.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable, problemsTable } from '../dom.js';
import { today } from '../fmt.js';
import { yearAndDay, periodForm, fileLink } from './common.js';

function payForm(names, onDone) {
  const county = select('county', [['', '请选择'], ...names.map((n) => [n, n])], '');
  const day = h('input', { type: 'date', name: 'date', value: today(), required: true });
  const method = select('method', [['yikatong', '惠民惠农一卡通'], ['card', '银行卡'], ['meter', '计入电费或气费账户']], 'yikatong');
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'h-pay' }, h('h2', { id: 'h-pay' }, '发放补助（生成银行文件）'),
    h('div', { class: 'grid' }, field('县市', county), field('日期', day), field('发放方式', method)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '生成发放批次'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    try {
      const res = await api.post('/api/subsidies/pay', { county: county.value, date: day.value, method: method.value, output: 'bank.xlsx' });
      fill(msg, h('p', { class: 'msg ok', role: 'status' }, res.message.trim()), res.files.map((f) => fileLink(f, '下载银行文件')));
      onDone();
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  });
  return form;
}

function returnForm(onDone) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx', required: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-labelledby': 'h-ret' }, h('h2', { id: 'h-ret' }, '上传银行回单'),
    field('回单文件（流水号、状态、日期）', file), msg, h('button', { type: 'submit', 'data-change': '' }, '上传'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files[0]) return say(msg, '请选择回单文件。', 'error');
    const fd = new FormData();
    fd.append('file', file.files[0], file.files[0].name);
    try {
      const res = await api.upload('/api/subsidies/reconcile', fd);
      say(msg, res.message.trim(), 'ok');
      fill(out, res.problems.length ? problemsTable(res.problems, '回单中的问题') : null);
      onDone();
    } catch (e) {
      say(msg, errorText(e), 'error');
      fill(out, e.rows && e.rows.length ? problemsTable(e.rows, '回单中的问题') : null);
    }
  });
  return form;
}

export async function fundsPage(main, { params, session, go }) {
  const { year, asOf } = await yearAndDay(params);
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const tables = h('div', {});
  const names = api.table(await api.get('/api/regions')).rows.filter((r) => r.level === '县(市)').map((r) => r.name);
  const reload = async () => {
    try {
      const [funds, households, batches, audit] = await Promise.all([
        api.get('/api/reports/funds', { year, as_of: asOf }).then(api.table),
        api.get('/api/reports/funds', { year, as_of: asOf, households: true }).then(api.table),
        api.get('/api/subsidies/batches').then(api.table),
        api.get('/api/funds/audit', { as_of: asOf }).then(api.table),
      ]);
      fill(tables,
        h('section', { 'aria-labelledby': 'h-funds' }, h('h2', { id: 'h-funds' }, '资金到位与发放（按县市和资金来源）'), reportTable(funds, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-hh' }, h('h2', { id: 'h-hh' }, '各县市农户补助发放情况'), reportTable(households, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-batches' }, h('h2', { id: 'h-batches' }, '发放批次'), reportTable(batches, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-audit' }, h('h2', { id: 'h-audit' }, '资金审计发现'), reportTable(audit, { caption: '' })));
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  };
  fill(main, h('h1', {}, '资金'), periodForm(year, asOf, (p) => go('funds', p)), msg,
    session.can('subsidy.pay') ? payForm(names, reload) : null,
    session.can('subsidy.reconcile') ? returnForm(reload) : null,
    tables);
  await reload();
}
