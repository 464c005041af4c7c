// funds — 资金: what each fund source still holds and the county special
// accounts (received, reserved, paid per source); finance appropriates a
// source's money to the prefecture (下达) or to a county (拨付), reserves
// the entitlements of a county's households whose review passed, runs a
// payment batch (bank file to download, XLSX or CSV), writes a batch's
// bank file again and uploads the bank's return; the payment batches, the
// fund audit's findings and households' payment status. The public notice
// before payment, objections, holds and recovery are in notice.js.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable, problemsTable } from '../dom.js';
import { today, date } from '../fmt.js';
import { yearAndDay, periodForm, fileLink } from './common.js';
import { noticeForms, noticeTables } from './notice.js';

const SOURCES = [['central', '中央资金'], ['region', '自治区资金'], ['prefecture', '州级资金'], ['county', '县级资金']];

/** The Chinese names of the parameters an error may be about. */
const FIELDS = {
  source: '资金来源', amount: '金额', date: '日期', key: '文号', to: '拨付到', direct: '直接拨付',
  memo: '备注', county: '县市', method: '发放方式', output: '文件格式', batch: '批次', file: '回单文件',
};

/** An API error as a sentence, naming the field it is about. */
function failText(e) {
  const t = errorText(e);
  return e && e.field && FIELDS[e.field] ? `${t}（${FIELDS[e.field]}）` : t;
}

function countySelect(names, label = '请选择') {
  return select('county', [['', label], ...names.map((n) => [n, n])], '');
}

/** A link to the bank file of batch N, under a Chinese name. */
function bankLink(f, n) {
  const ext = /\.xlsx$/i.test(f.name) ? 'xlsx' : 'csv';
  return fileLink({ ...f, name: `发放批次${n}-银行文件.${ext}` }, `下载批次 ${n} 的银行文件（${ext.toUpperCase()}）`);
}

/** 下达 / 拨付: money from a source to the prefecture or to a county. */
function appropriateForm(names, onDone) {
  const source = select('source', SOURCES, 'central');
  const amount = h('input', { name: 'amount', inputmode: 'decimal', required: true, autocomplete: 'off', pattern: '[0-9]+(\\.[0-9]{1,2})?' });
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const key = h('input', { name: 'key', required: true, autocomplete: 'off' });
  const to = select('to', [['', '州级（下达，不拨付到县）'], ...names.map((n) => [n, `${n}（拨付）`])], '');
  const direct = h('input', { type: 'checkbox', name: 'direct', id: 'appropriate-direct' });
  const memo = h('input', { name: 'memo', autocomplete: 'off' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-appr' }, h('h2', { id: 'h-appr' }, '资金下达与拨付'),
    h('p', { class: 'sub' }, '不选县市为下达到州级；选县市为从州级拨付到该县市专户（勾选“直接拨付”则从资金来源直接拨付到县）。同一文号重复提交不会重复记账。'),
    h('div', { class: 'grid' }, field('资金来源', source), field('金额（元）', amount, '最多两位小数'), field('日期', day),
      field('文号', key, '本笔资金唯一的文件编号'), field('拨付到', to), field('备注', memo),
      h('div', { class: 'field check' }, direct, h('label', { for: direct.id }, '直接拨付（不经州级）'))),
    msg, h('button', { type: 'submit', 'data-change': '' }, '提交'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const yuan = amount.value.replace(/[,，\s]/g, '');
    if (!/^\d+(\.\d{1,2})?$/.test(yuan)) {
      say(msg, '金额须为元，最多两位小数。', 'error');
      amount.focus();
      return;
    }
    if (direct.checked && !to.value) return say(msg, '直接拨付须选择县市。', 'error');
    try {
      const res = await api.post('/api/funds/appropriate', {
        source: source.value, amount: yuan, date: day.value, key: key.value.trim(),
        to: to.value || undefined, direct: direct.checked || undefined, memo: memo.value.trim() || undefined,
      });
      say(msg, res.message.trim(), 'ok');
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

/** 预留: reserve the entitlements of a county's households. */
function reserveForm(names, onDone) {
  const county = countySelect(names);
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-reserve' }, h('h2', { id: 'h-reserve' }, '核定预留补助'),
    h('p', { class: 'sub' }, '为该县市复核通过、尚未预留的农户按补助标准从县级专户预留资金。'),
    h('div', { class: 'grid' }, field('县市', county), field('日期', day)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '预留'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    try {
      const res = await api.post('/api/subsidies/reserve', { county: county.value, date: day.value });
      say(msg, res.message.trim(), 'ok');
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

function payForm(names, onDone) {
  const county = countySelect(names);
  const day = h('input', { type: 'date', name: 'date', value: today(), required: true });
  const method = select('method', [['yikatong', '惠民惠农一卡通'], ['card', '银行卡'], ['meter', '计入电费或气费账户']], 'yikatong');
  const format = select('format', [['xlsx', 'Excel（XLSX）'], ['csv', 'CSV']], 'xlsx');
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-pay' }, h('h2', { id: 'h-pay' }, '发放补助（生成银行文件）'),
    h('div', { class: 'grid' }, field('县市', county), field('日期', day), field('发放方式', method), field('银行文件格式', format)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '生成发放批次'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    try {
      const res = await api.post('/api/subsidies/pay', { county: county.value, date: day.value, method: method.value, output: `bank.${format.value}` });
      const n = res.counts && res.counts.batch;
      fill(msg, h('p', { class: 'msg ok', role: 'status' }, res.message.trim()), res.files.map((f) => (n ? bankLink(f, n) : fileLink(f, '下载银行文件'))));
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

function returnForm(onDone) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx', required: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const out = h('div', {});
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-ret' }, h('h2', { id: 'h-ret' }, '上传银行回单'),
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

/** A UTC timestamp (2026-12-03T01:23:19Z) as Beijing time: 2026年12月3日 09:23. */
function beijing(ts) {
  const t = new Date(ts || '');
  if (Number.isNaN(t.getTime())) return null;
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(t).map((x) => [x.type, x.value]));
  return `${date(`${p.year}-${p.month}-${p.day}`)} ${p.hour}:${p.minute}`;
}

/** "重新生成银行文件" for batch R (finance): the link replaces the button. */
function payfileButton(r) {
  const slot = h('span', { class: 'cell-actions' });
  const button = h('button', { type: 'button', class: 'small', 'data-change': '', 'aria-label': `重新生成批次 ${r.batch} 的银行文件`, onclick: async () => {
    button.disabled = true;
    try {
      const res = await api.post('/api/subsidies/payfile', { batch: Number(r.batch), output: 'bank.xlsx' });
      fill(slot, res.files.map((f) => bankLink(f, r.batch)));
    } catch (e) {
      button.disabled = false;
      slot.append(h('span', { class: 'msg error', role: 'alert' }, failText(e)));
    }
  } }, '重新生成银行文件');
  slot.append(button);
  return slot;
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
      const held = audit ? {
        ...audit,
        columns: [{ key: 'where', label: '资金来源' }, { key: 'what', label: '说明' }, { key: 'amount', label: '结余(元)' }],
        rows: audit.rows.filter((r) => r.kind === '结余'),
      } : null;
      const found = audit ? { ...audit, rows: audit.rows.filter((r) => r.kind !== '结余') } : null;
      const noticeSections = await noticeTables(notice);
      fill(tables,
        h('section', { 'aria-labelledby': 'h-sources' }, h('h2', { id: 'h-sources' }, '资金来源：尚未发放到户的结余（州级与各县市专户合计）'),
          reportTable(held, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-funds' }, h('h2', { id: 'h-funds' }, '县市专户：资金到位、预留与发放（按资金来源）'), reportTable(funds, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-hh' }, h('h2', { id: 'h-hh' }, '各县市农户补助发放情况'), reportTable(households, { caption: '' })),
        h('section', { 'aria-labelledby': 'h-batches' }, h('h2', { id: 'h-batches' }, '发放批次'),
          h('div', { class: session.can('subsidy.payfile') ? 'act-table' : null },
            reportTable(batches, { caption: '', cell: (k, r) => (k === 'at' ? beijing(r.at) : null), actions: session.can('subsidy.payfile') ? payfileButton : null }))),
        ...noticeSections,
        h('section', { 'aria-labelledby': 'h-audit' }, h('h2', { id: 'h-audit' }, '资金审计发现'), reportTable(found, { caption: '' })));
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  };
  const notice = noticeForms(session, names, () => reload());
  const forms = [
    session.can('funds.appropriate') ? appropriateForm(names, reload) : null,
    session.can('subsidy.reserve') ? reserveForm(names, reload) : null,
    session.can('subsidy.pay') ? payForm(names, reload) : null,
    session.can('subsidy.reconcile') ? returnForm(reload) : null,
  ].filter(Boolean);
  fill(main, h('h1', {}, '资金'), periodForm(year, asOf, (p) => go('funds', p)), msg,
    forms.length ? h('div', { class: 'forms' }, forms) : null,
    notice.forms.length ? h('div', { class: 'forms' }, notice.forms) : null, tables);
  await reload();
}
