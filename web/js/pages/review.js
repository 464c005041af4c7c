// review — 验收复核: a county bundles its self-inspected households into a
// review application; the prefecture assigns it to a reviewing unit and a
// reviewer with a seed that fixes the sample; anyone may look at a sample
// and have it drawn again to verify it; a reviewer enters the result of
// each sampled household of his applications (the API refuses others);
// rectification orders with deadlines, the overdue ones in red, closed
// with a date and a note; follow-up visits due, and recording one. Each
// form is shown only to the roles whose operation it calls; the address
// #/review?app=NUMBER opens that application's sample. The households
// whose subsidy's facts changed after their review wait here for the
// prefecture's approval (notice.js).

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable } from '../dom.js';
import { num, today, date } from '../fmt.js';
import { approvalSection } from './notice.js';

/** The Chinese names of the parameters an error may be about. */
const FIELDS = {
  application: '复核申请', household: '户编号', result: '结果', date: '日期', note: '说明',
  county: '县市', households: '户编号', all_passed: '申请范围', 'all-passed': '申请范围', unit: '复核单位',
  reviewer: '复核人', seed: '随机种子', order: '整改单号', visit: '回访次数', in_use: '新设备在用',
  'in-use': '新设备在用', comfort: '室内温度感受', visitor: '回访人', cost_complaint: '反映运行费用高',
  'cost-complaint': '反映运行费用高', coal: '返煤', fault: '设备故障', satisfaction: '满意度',
  evidence: '照片',
};

/** An API error as a sentence, naming the field it is about. */
function failText(e) {
  const t = errorText(e);
  return e && e.field && FIELDS[e.field] ? `${t}（${FIELDS[e.field]}）` : t;
}

const isSampled = (r) => /^第/.test(r.sample || '');

async function countyNames(session) {
  const t = api.table(await api.get('/api/regions'));
  const names = t ? t.rows.filter((r) => r.level === '县(市)').map((r) => r.name) : [];
  return session.user.scope && names.includes(session.user.scope) ? [session.user.scope] : names;
}

function countyInput(names) {
  if (names.length === 1) return h('input', { name: 'county', value: names[0], readonly: true });
  return select('county', [['', '请选择'], ...names.map((n) => [n, n])], '');
}

/** 提交复核申请: every self-inspected household not yet applied for, or
 * the 户编号 typed one a line (sent as the list file the operation takes). */
function applyForm(names, onDone) {
  const county = countyInput(names);
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const all = h('input', { type: 'radio', name: 'scope', value: 'all', id: 'apply-all', checked: true });
  const some = h('input', { type: 'radio', name: 'scope', value: 'list', id: 'apply-list' });
  const list = h('textarea', { name: 'households', rows: '4', disabled: true, autocomplete: 'off' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  for (const r of [all, some]) r.addEventListener('change', () => { list.disabled = !some.checked; });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-apply' }, h('h2', { id: 'h-apply' }, '提交复核申请'),
    h('p', { class: 'sub' }, '把本县自验合格、尚未申请的农户打包提交州级复核；提交后这些农户为“已申请复核”。'),
    h('div', { class: 'grid' }, field('县市', county), field('申请日期', day)),
    h('fieldset', { class: 'choice' }, h('legend', {}, '申请范围'),
      h('div', { class: 'field check' }, all, h('label', { for: all.id }, '全部自验合格的农户')),
      h('div', { class: 'field check' }, some, h('label', { for: some.id }, '只申请下列农户'))),
    field('户编号（每行一个）', list, '选择“只申请下列农户”时填写'),
    msg, h('button', { type: 'submit', 'data-change': '' }, '提交申请'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    const fd = new FormData();
    fd.append('county', county.value);
    fd.append('date', day.value);
    if (some.checked) {
      const hh = list.value.split(/[\s,，;；]+/).map((x) => x.trim()).filter(Boolean);
      if (!hh.length) {
        say(msg, '请填写要申请的户编号，每行一个。', 'error');
        list.focus();
        return;
      }
      fd.append('households', new Blob([`户编号\n${hh.join('\n')}\n`], { type: 'text/csv' }), '申请农户.csv');
    } else {
      fd.append('all_passed', '1');
    }
    say(msg, '正在提交…');
    try {
      const res = await api.upload('/api/reviews/apply', fd);
      say(msg, res.message.trim(), 'ok');
      list.value = '';
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

/** 分配复核: an application still 待分配, the unit, the reviewer and the
 * seed; form.setApps(table) refreshes the applications it offers. */
function assignForm(reviewers, onDone) {
  const app = select('application', [], '');
  const unit = h('input', { name: 'unit', required: true, autocomplete: 'organization' });
  const who = reviewers && reviewers.length
    ? select('reviewer', [['', '请选择'], ...reviewers.map((u) => [u, u])], '')
    : h('input', { name: 'reviewer', required: true, autocomplete: 'off' });
  const seed = h('input', { name: 'seed', required: true, autocomplete: 'off' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-assign' }, h('h2', { id: 'h-assign' }, '分配复核'),
    h('div', { class: 'grid' }, field('复核申请', app), field('复核单位', unit), field('复核人', who),
      field('随机种子', seed, '分配时当场确定、县里事先无法得知的数值，如 福彩3D-2023285-917；它决定抽样')),
    msg, h('button', { type: 'submit', 'data-change': '' }, '分配并抽样'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!app.value) return say(msg, '请选择复核申请。', 'error');
    if (!who.value) return say(msg, '请选择复核人。', 'error');
    try {
      const number = app.value;
      const res = await api.post('/api/reviews/assign', { application: number, unit: unit.value.trim(), reviewer: who.value.trim(), seed: seed.value.trim() });
      seed.value = '';
      await onDone(number);
      say(msg, res.message.trim() || `${number} 已分配。`, 'ok');
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  form.setApps = (apps) => {
    const open = apps ? apps.rows.filter((r) => !r.reviewer) : [];
    const keep = app.value;
    fill(app, [['', open.length ? '请选择' : '没有待分配的申请'], ...open.map((r) => [r.number, `${r.number}（${r.county}，${num(r.households)} 户）`])]
      .map(([v, l]) => h('option', { value: v }, l)));
    if (open.some((r) => r.number === keep)) app.value = keep;
  };
  return form;
}

/** 录入复核结果: the result of a sampled household still without one
 * (reviewers of the application; the API refuses the others). */
function resultForm(app, pending, onDone) {
  const hh = select('household', pending.map((r) => [r.hh_no, `${r.hh_no} ${r.head_name || ''}（${[r.township, r.technology].filter(Boolean).join('，')}）`]), pending[0].hh_no);
  const result = select('result', [['pass', '合格'], ['fail', '不合格']], 'pass');
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const note = h('input', { name: 'note', autocomplete: 'off' });
  const photo = h('input', { type: 'file', name: 'evidence', accept: 'image/*', capture: 'environment', multiple: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-result' }, h('h3', { id: 'h-result' }, `录入复核结果（还有 ${num(pending.length)} 户）`),
    h('div', { class: 'grid' }, field('抽中的农户', hh), field('结果', result), field('复核日期', day),
      field('说明', note, '不合格时必须写明问题'), field('照片', photo, '可选；手机上可直接拍照')),
    msg, h('button', { type: 'submit', 'data-change': '' }, '保存结果'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData();
    fd.append('application', app);
    fd.append('household', hh.value);
    fd.append('result', result.value);
    fd.append('date', day.value);
    if (note.value.trim()) fd.append('note', note.value.trim());
    for (const f of photo.files) fd.append('evidence', f, f.name);
    try {
      const res = await api.upload('/api/reviews/result', fd);
      onDone(res.message.trim() || '已保存。');
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  return form;
}

/** 关闭整改单: an open order, the day it was done and what was done; the
 * rows of the list choose the order with their 关闭 button. */
function closeForm(orders, onDone) {
  const order = select('order', orders.map((r) => [String(r.id), `${r.id}：${r.county} ${r.hh_no} ${r.head_name || ''}（${r.issue || ''}）`]), String(orders[0].id));
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const note = h('input', { name: 'note', required: true, autocomplete: 'off', placeholder: '如 已拆除原炉具' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-close' }, h('h3', { id: 'h-close', tabindex: '-1' }, '关闭整改单'),
    h('div', { class: 'grid' }, field('整改单', order), field('完成日期', day), field('整改情况', note)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '关闭整改单'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!note.value.trim()) {
      say(msg, '请写明整改情况。', 'error');
      note.focus();
      return;
    }
    try {
      const res = await api.post('/api/rectifications/close', { order: Number(order.value), date: day.value, note: note.value.trim() });
      onDone(res.message.trim() || `整改单 ${order.value} 已关闭。`);
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  /** Chooses order ID and moves the focus to the form. */
  form.choose = (id) => {
    order.value = String(id);
    form.querySelector('h3').focus();
  };
  return form;
}

const YES_NO = [['no', '否'], ['yes', '是']];

/** 记录回访: a visit of one household with what the form asks. */
function visitForm(names, onDone) {
  const county = countyInput(names);
  const hh = h('input', { name: 'household', required: true, autocomplete: 'off' });
  const visit = select('visit', [['1', '第一次（采暖首月）'], ['2', '第二次（采暖中期）'], ['3', '用量核查（查看是否返煤）']], '1');
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const inUse = select('in_use', [['yes', '是'], ['no', '否']], 'yes');
  const comfort = select('comfort', [['good', '好'], ['fair', '一般'], ['poor', '差']], 'good');
  const visitor = h('input', { name: 'visitor', required: true, autocomplete: 'name' });
  const cost = select('cost_complaint', YES_NO, 'no');
  const coal = select('coal', YES_NO, 'no');
  const fault = h('input', { name: 'fault', placeholder: '没有可不填' });
  const sat = select('satisfaction', [['', '未填'], ['5', '5（很满意）'], ['4', '4'], ['3', '3'], ['2', '2'], ['1', '1（很不满意）']], '');
  const note = h('input', { name: 'note' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card compact', 'aria-labelledby': 'h-visit', id: 'visit-form' }, h('h3', { id: 'h-visit', tabindex: '-1' }, '记录回访'),
    h('p', { class: 'sub' }, '未在用、返煤、设备故障、反映运行费用高或温度感受差，将下达整改单。'),
    h('div', { class: 'grid' }, field('县市', county), field('户编号', hh), field('回访次数', visit), field('回访日期', day),
      field('新设备在用', inUse), field('室内温度感受', comfort), field('回访人', visitor),
      field('反映运行费用高', cost), field('返煤（又烧煤）', coal), field('设备故障', fault),
      field('满意度', sat), field('备注', note)),
    msg, h('button', { type: 'submit', 'data-change': '' }, '保存回访'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!county.value) return say(msg, '请选择县市。', 'error');
    if (!hh.value.trim() || !visitor.value.trim()) return say(msg, '请填写户编号和回访人。', 'error');
    try {
      const res = await api.post('/api/followups/record', {
        household: hh.value.trim(), county: county.value, visit: Number(visit.value), date: day.value,
        in_use: inUse.value, comfort: comfort.value, visitor: visitor.value.trim(),
        cost_complaint: cost.value, coal: coal.value, fault: fault.value.trim() || undefined,
        satisfaction: sat.value ? Number(sat.value) : undefined, note: note.value.trim() || undefined,
      });
      say(msg, res.message.trim() || '已记录回访。', 'ok');
      onDone();
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  });
  /** Fills the form for a row of the due list and moves the focus to it. */
  form.prefill = (r) => {
    if (county.tagName === 'SELECT') county.value = r.county;
    hh.value = r.hh_no;
    visit.value = /首次|第一/.test(r.visit || '') ? '1' : /用量核查/.test(r.visit || '') ? '3' : '2';
    say(msg, `${r.county} ${r.hh_no}（${r.head_name || ''}）`, 'info');
    form.querySelector('h3').focus();
  };
  return form;
}

export async function reviewPage(main, { params, session }) {
  const asOf = today();
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const apps = h('div', {});
  const sample = h('div', {});
  const rect = h('div', {});
  const rectMsg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const due = h('div', {});
  const names = session.can('review.apply') || session.can('followup.record') ? await countyNames(session).catch(() => []) : [];
  const reviewers = session.can('review.assign')
    ? await api.get('/api/users').then((a) => api.table(a).rows.filter((u) => u.role === 'reviewer').map((u) => u.name)).catch(() => null)
    : null;
  const visit = session.can('followup.record') ? visitForm(names, () => reload()) : null;
  const assign = session.can('review.assign') ? assignForm(reviewers, async (app) => { await reload(); await showSample(app); }) : null;
  let shown = params.app || '';

  const showSample = async (app, note = '') => {
    shown = app;
    const sampleMsg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
    try {
      const t = api.table(await api.get('/api/reviews/sample', { application: app }));
      const canEnter = session.can('review.result');
      const verify = h('button', { type: 'button', class: 'small', onclick: async () => {
        try {
          const res = await api.get('/api/reviews/sample', { application: app, verify: true });
          say(sampleMsg, res.message.trim(), 'ok');
        } catch (e) {
          say(sampleMsg, failText(e), 'error');
        }
      } }, '核验抽样');
      const sampled = t ? t.rows.filter(isSampled).length : 0;
      const pending = canEnter && t ? t.rows.filter((r) => isSampled(r) && !r.result) : [];
      fill(sample, h('section', { 'aria-labelledby': 'h-sample', class: 'sample' },
        h('h2', { id: 'h-sample', tabindex: '-1' }, `申请 ${app} 的抽样`),
        h('p', { class: 'sub' }, `共 ${num(t ? t.rows.length : 0)} 户，抽中 ${num(sampled)} 户。“核验抽样”按记录的种子和规则重新抽一遍，与存储的样本比对。`),
        h('div', { class: 'actions' }, verify), sampleMsg,
        pending.length ? resultForm(app, pending, async (text) => {
          await reload();
          await showSample(app, text);
        }) : null,
        reportTable(t, { caption: '' })));
      if (note) say(sampleMsg, note, 'ok');
      sample.querySelector('h2').focus();
    } catch (e) {
      fill(sample, h('section', { 'aria-labelledby': 'h-sample', class: 'sample' },
        h('h2', { id: 'h-sample', tabindex: '-1' }, `申请 ${app} 的抽样`), sampleMsg));
      say(sampleMsg, failText(e), 'error');
    }
  };

  const reload = async () => {
    try {
      const [a, r, d] = await Promise.all([
        api.get('/api/reviews').then(api.table),
        api.get('/api/rectifications', { open: true, as_of: asOf }).then(api.table).catch(() => null),
        api.get('/api/followups/due', { as_of: asOf }).then(api.table).catch(() => null),
      ]);
      fill(apps, h('div', { class: 'act-table' }, reportTable(a, { caption: '', actions: (x) => h('button', { type: 'button', class: 'small', 'aria-label': `查看 ${x.number} 的抽样`, onclick: () => showSample(x.number) }, '查看抽样') })));
      if (assign) assign.setApps(a);
      const canClose = session.can('rectification.close') && r && r.rows.length;
      const close = canClose ? closeForm(r.rows, async (text) => { await reload(); say(rectMsg, text, 'ok'); }) : null;
      fill(rect, h('div', { class: close ? 'act-table' : null }, reportTable(r, {
        caption: '',
        cell: (k, x) => (k === 'deadline' && x.deadline && x.deadline < asOf ? h('span', { class: 'overdue' }, `${date(x.deadline)}（逾期）`) : null),
        actions: close ? (x) => h('button', { type: 'button', class: 'small', 'aria-label': `关闭整改单 ${x.id}`, onclick: () => close.choose(x.id) }, '关闭') : null,
      })), close);
      fill(due, h('div', { class: visit ? 'act-table tall' : 'tall' }, reportTable(d, {
        caption: '', max: 50,
        actions: visit ? (x) => h('button', { type: 'button', class: 'small', 'aria-label': `记录 ${x.hh_no} 的回访`, onclick: () => visit.prefill(x) }, '记录回访') : null,
      })));
    } catch (e) {
      say(msg, failText(e), 'error');
    }
  };

  fill(main, h('h1', {}, '验收复核'), msg,
    session.can('review.apply') ? applyForm(names, () => reload()) : null,
    h('section', { 'aria-labelledby': 'h-apps' }, h('h2', { id: 'h-apps' }, '复核申请'), apps),
    assign, sample,
    h('section', { 'aria-labelledby': 'h-rect' }, h('h2', { id: 'h-rect' }, '整改单（未关闭）'), rectMsg, rect),
    h('section', { 'aria-labelledby': 'h-due' }, h('h2', { id: 'h-due' }, '应回访'), visit, due),
    await approvalSection(session).catch(() => null));
  await reload();
  if (shown) await showSample(shown);
}

