// notice — 公示、异议、暂停发放与追回, on the 资金 page (and the approval of
// a change after review on 验收复核): finance publicises a county's
// reserved households (公示, with the A4 sheet for the notice board to
// download), records objections and settles them, holds and releases a
// household's payment and records recovery claims (追回) and the money
// coming back; the tables list the notices, objections, what holds
// payments and the claims. What each does is decided by the server; these
// forms only ask and show.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable } from '../dom.js';
import { today, date } from '../fmt.js';
import { fileLink } from './common.js';

/** The Chinese names of the parameters an error may be about. */
const FIELDS = {
  county: '县市', village: '村', date: '日期', notice: '公示编号', household: '户编号', from: '异议人',
  reason: '原因', note: '说明', objection: '异议', amount: '金额', recovery: '追回编号',
};

function failText(e) {
  const t = errorText(e);
  return e && e.field && FIELDS[e.field] ? `${t}（${FIELDS[e.field]}）` : t;
}

function countySelect(names) {
  return select('county', [['', '请选择'], ...names.map((n) => [n, n])], '');
}

const dayInput = () => h('input', { type: 'date', name: 'date', value: today(), required: true });
const text = (name, required = true) => h('input', { name, autocomplete: 'off', required: required || null });
const msgBox = () => h('div', { class: 'form-msg', 'aria-live': 'polite' });

/** A form posting to PATH what BODY() returns; the answer's message said. */
function postForm(id, title, sub, fields, button, path, body, onDone, extra) {
  const msg = msgBox();
  const form = h('form', { class: 'card compact', 'aria-labelledby': id }, h('h2', { id }, title),
    sub ? h('p', { class: 'sub' }, sub) : null, h('div', { class: 'grid' }, fields), msg,
    h('button', { type: 'submit', 'data-change': '' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const b = body(msg);
    if (!b) return;
    try {
      const res = await api.post(path, b);
      say(msg, res.message.trim(), 'ok');
      if (extra) extra(res, msg);
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

/** 公示: the reserved households of a county (or a village), from a day. */
export function noticeForm(names, onDone) {
  const county = countySelect(names);
  const village = text('village', false);
  const day = dayInput();
  return postForm('h-notice', '发放前公示', '公示复核通过且已预留补助、尚未公示的农户；公示期按补助标准的工作日数计（节假日不计）。期满且无未处理异议的农户才能发放。',
    [field('县市', county), field('村（可不填）', village, '只公示该村的农户'), field('公示开始日期', day)],
    '公示并生成公示表', '/api/notices/create',
    (msg) => (county.value ? { county: county.value, village: village.value.trim() || undefined, date: day.value, output: 'notice.xlsx' } : say(msg, '请选择县市。', 'error')),
    onDone,
    (res, msg) => {
      const n = res.counts && res.counts.notice;
      if (n && res.files.length) msg.append(fileLink({ ...res.files[0], name: '公示表.xlsx' }, '下载公示表（A4，XLSX）'));
    });
}

/** 异议: one household of a notice; the objector may stay anonymous. */
export function objectForm(onDone) {
  const notice = text('notice');
  const hh = text('household');
  const day = dayInput();
  const from = text('from', false);
  const reason = text('reason');
  return postForm('h-object', '登记异议', '处理前该户暂停发放。异议人可不填（匿名）。',
    [field('公示编号', notice, '如 公示-652301-2023-001'), field('户编号', hh), field('收到日期', day), field('异议人（可不填）', from), field('异议理由', reason)],
    '登记', '/api/notices/object',
    () => ({ notice: notice.value.trim(), household: hh.value.trim(), date: day.value, from: from.value.trim() || undefined, reason: reason.value.trim() }),
    onDone);
}

/** 处理异议: upheld withdraws the reservation and opens an order;
 * setRows(ROWS) gives it the open objections to choose from. */
export function resolveForm(onDone) {
  const which = select('objection', [], '');
  const outcome = select('outcome', [['dismissed', '异议不成立（照常发放）'], ['upheld', '异议成立（撤回预留，下达整改单）']], 'dismissed');
  const note = text('note');
  const day = dayInput();
  const form = postForm('h-resolve', '处理异议', null,
    [field('异议', which), field('处理结果', outcome), field('核实情况', note), field('处理日期', day)],
    '提交处理结果', '/api/notices/resolve',
    () => ({ objection: Number(which.value), [outcome.value]: true, note: note.value.trim(), date: day.value }),
    onDone);
  form.choose = (id) => { which.value = String(id); note.focus(); };
  form.setRows = (rows) => {
    fill(which, rows.map((r) => h('option', { value: String(r.objection) }, `异议 ${r.objection}：${r.hh_no} ${r.reason}`)));
    form.hidden = !rows.length;
  };
  return form;
}

/** 暂停发放 / 解除暂停 of one household. */
export function holdForm(names, onDone) {
  const county = countySelect(names);
  const hh = text('household');
  const action = select('action', [['hold', '暂停发放'], ['release', '解除人工暂停']], 'hold');
  const reason = text('reason', false);
  const day = dayInput();
  const msg = msgBox();
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-hold' }, h('h2', { id: 'h-hold' }, '暂停发放'),
    h('p', { class: 'sub' }, '整改单未销号、异议待处理和复核后信息变更待审批的农户自动暂停，无需在此登记。'),
    h('div', { class: 'grid' }, field('县市', county), field('户编号', hh), field('操作', action), field('原因或说明', reason), field('日期', day)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '提交'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    const hold = action.value === 'hold';
    if (hold && !reason.value.trim()) return say(msg, '请写明暂停发放的原因。', 'error');
    try {
      const res = await api.post(hold ? '/api/subsidies/hold' : '/api/subsidies/release', {
        county: county.value, household: hh.value.trim(), date: day.value,
        [hold ? 'reason' : 'note']: reason.value.trim() || undefined,
      });
      say(msg, res.message.trim(), 'ok');
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

/** 追回: a claim against a paid household. */
export function recoverForm(names, onDone) {
  const county = countySelect(names);
  const hh = text('household');
  const amount = h('input', { name: 'amount', inputmode: 'decimal', required: true, autocomplete: 'off', pattern: '[0-9]+(\\.[0-9]{1,2})?' });
  const reason = text('reason');
  const day = dayInput();
  return postForm('h-recover', '登记追回', '已发放到户的补助因设备拆除、不符合条件或重复发放须追回。',
    [field('县市', county), field('户编号', hh), field('金额（元）', amount, '最多两位小数'), field('原因', reason), field('登记日期', day)],
    '登记追回', '/api/subsidies/recover',
    (msg) => (county.value ? { county: county.value, household: hh.value.trim(), amount: amount.value.replace(/[,，\s]/g, ''), reason: reason.value.trim(), date: day.value } : say(msg, '请选择县市。', 'error')),
    onDone);
}

/** 追回到账: money back on a claim, into the county account it left. */
export function recoveredForm(onDone) {
  const id = h('input', { name: 'recovery', inputmode: 'numeric', required: true, autocomplete: 'off', pattern: '[0-9]+' });
  const amount = h('input', { name: 'amount', inputmode: 'decimal', required: true, autocomplete: 'off', pattern: '[0-9]+(\\.[0-9]{1,2})?' });
  const day = dayInput();
  const form = postForm('h-recovered', '追回款项到账', '款项按资金来源退回其发出的县级专户。',
    [field('追回编号', id), field('金额（元）', amount, '最多两位小数'), field('到账日期', day)],
    '登记到账', '/api/subsidies/recovered',
    () => ({ recovery: Number(id.value), amount: amount.value.replace(/[,，\s]/g, ''), date: day.value }),
    onDone);
  form.choose = (r) => { id.value = String(r.recovery); amount.value = r.outstanding.replace(/,/g, ''); amount.focus(); };
  return form;
}

/** "公示表" for notice R: the link replaces the button. */
function printButton(r) {
  const slot = h('span', { class: 'cell-actions' });
  const button = h('button', { type: 'button', class: 'small', 'aria-label': `下载公示 ${r.number} 的公示表`, onclick: async () => {
    button.disabled = true;
    try {
      const res = await api.get('/api/notices/print', { notice: r.number, output: 'notice.xlsx' });
      fill(slot, res.files.map((f) => fileLink({ ...f, name: `${r.number}.xlsx` }, `下载 ${r.number} 公示表`)));
    } catch (e) {
      button.disabled = false;
      slot.append(h('span', { class: 'msg error', role: 'alert' }, failText(e)));
    }
  } }, '公示表');
  slot.append(button);
  return slot;
}

/** The forms of the 资金 page for notices, objections, holds and recovery,
 * made once for SESSION (what its role may do); RELOAD refreshes the
 * tables. */
export function noticeForms(session, names, reload) {
  const resolve = session.can('notice.resolve') ? resolveForm(reload) : null;
  const recovered = session.can('subsidy.recovered') ? recoveredForm(reload) : null;
  if (resolve) resolve.hidden = true;
  return {
    resolve,
    recovered,
    forms: [
      session.can('notice.create') ? noticeForm(names, reload) : null,
      session.can('notice.object') ? objectForm(reload) : null,
      session.can('subsidy.hold') ? holdForm(names, reload) : null,
      session.can('subsidy.recover') ? recoverForm(names, reload) : null,
      recovered,
    ].filter(Boolean),
  };
}

/** The notice, objection, hold and recovery tables, with the actions of
 * the forms F (noticeForms). */
export async function noticeTables(f) {
  const [notices, objections, holds, recoveries] = await Promise.all([
    api.get('/api/notices').then(api.table),
    api.get('/api/notices/objections').then(api.table),
    api.get('/api/subsidies/holds').then(api.table),
    api.get('/api/subsidies/recoveries').then(api.table),
  ]);
  const open = objections ? objections.rows.filter((r) => r.status === '待处理') : [];
  if (f.resolve) f.resolve.setRows(open);
  const resolve = f.resolve && open.length ? f.resolve : null;
  const owed = (r) => r.outstanding && r.outstanding !== '0.00';
  return [
    h('section', { 'aria-labelledby': 'h-notices' }, h('h2', { id: 'h-notices' }, '发放前公示'),
      h('div', { class: 'act-table' }, reportTable(notices, { caption: '', actions: printButton }))),
    h('section', { 'aria-labelledby': 'h-objections' }, h('h2', { id: 'h-objections' }, '公示异议'),
      h('div', { class: resolve ? 'act-table' : null }, reportTable(objections, {
        caption: '',
        cell: (k, r) => (k === 'resolved' && !r.resolved ? '—' : null),
        actions: resolve ? (r) => (r.status === '待处理' ? h('button', { type: 'button', class: 'small', 'aria-label': `处理异议 ${r.objection}`, onclick: () => resolve.choose(r.objection) }, '处理') : null) : null,
      })), f.resolve),
    h('section', { 'aria-labelledby': 'h-holds' }, h('h2', { id: 'h-holds' }, '暂停发放的农户'), reportTable(holds, { caption: '' })),
    h('section', { 'aria-labelledby': 'h-recoveries' }, h('h2', { id: 'h-recoveries' }, '补助追回'),
      h('div', { class: f.recovered ? 'act-table' : null }, reportTable(recoveries, {
        caption: '',
        cell: (k, r) => (k === 'day' ? date(r.day) : null),
        actions: f.recovered ? (r) => (owed(r) ? h('button', { type: 'button', class: 'small', 'aria-label': `登记追回 ${r.recovery} 的到账`, onclick: () => f.recovered.choose(r) }, '到账') : null) : null,
      }))),
  ];
}

/** 核定后变更审批 (验收复核, prefecture): the households whose facts changed
 * after their review, and the approval that recomputes their subsidy. */
export async function approvalSection(session) {
  const done = msgBox();
  const body = h('div', {});
  const sec = h('section', { 'aria-labelledby': 'h-changes' }, h('h2', { id: 'h-changes' }, '复核后信息变更待审批'), done, body);
  const load = async () => {
    const holds = api.table(await api.get('/api/subsidies/holds'));
    const rows = holds ? holds.rows.filter((r) => r.kind === '核定后变更待审批') : [];
    const t = holds ? { ...holds, rows } : null;
    const msg = msgBox();
    const note = text('note');
    const day = dayInput();
    let chosen = null;
    const form = session.can('subsidy.approve') && rows.length ? h('form', { class: 'card compact', 'aria-labelledby': 'h-approve' },
      h('h2', { id: 'h-approve' }, '审批变更'),
      h('p', { class: 'sub' }, '审批后恢复发放，按新信息重新核定补助，差额记入资金调整；已发放超出部分登记追回。'),
      h('div', { class: 'grid' }, field('审批意见', note), field('审批日期', day)), msg,
      h('button', { type: 'submit', 'data-change': '' }, '批准所选农户的变更')) : null;
    if (form) {
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        if (!chosen) return say(msg, '请先在表中选择农户。', 'error');
        try {
          const res = await api.post('/api/subsidies/approve', { county: chosen.county, household: chosen.hh_no, note: note.value.trim(), date: day.value });
          await load();
          say(done, res.message.trim(), 'ok');
        } catch (e) {
          say(msg, failText(e), 'error');
        }
      });
    }
    fill(body, h('div', { class: form ? 'act-table' : null }, reportTable(t, {
      caption: '',
      actions: form ? (r) => h('button', { type: 'button', class: 'small', 'aria-label': `审批 ${r.hh_no} 的变更`, onclick: () => { chosen = r; say(msg, `已选择 ${r.county} ${r.hh_no} ${r.head_name}`, 'info'); note.focus(); } }, '选择') : null,
    })), form);
  };
  await load();
  return sec;
}
