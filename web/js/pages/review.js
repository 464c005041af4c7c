// review — 验收复核: review applications and their samples; a reviewer
// enters the result of each sampled household of his applications (the API
// refuses others); rectification orders with deadlines, the overdue ones in
// red; follow-up visits due.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable } from '../dom.js';
import { today } from '../fmt.js';

function resultForm(app, r, onDone) {
  const result = select('result', [['pass', '合格'], ['fail', '不合格']], 'pass');
  const day = h('input', { type: 'date', name: 'date', value: today(), required: true });
  const note = h('input', { name: 'note' });
  // a pass needs evidence (the self-inspection's rule): the form, a photo
  const photo = h('input', { type: 'file', name: 'evidence', accept: 'image/*,.pdf' });
  const msg = h('span', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'inline', 'aria-label': `${r.hh_no || r.household} 的复核结果` },
    field('结果', result), field('日期', day), field('说明', note), field('证明材料', photo),
    h('button', { type: 'submit', 'data-change': '' }, '保存'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData();
    fd.append('application', app);
    fd.append('household', r.hh_no || r.household);
    fd.append('result', result.value);
    fd.append('date', day.value);
    if (note.value) fd.append('note', note.value);
    for (const f of photo.files) fd.append('evidence', f, f.name);
    try {
      const res = await api.upload('/api/reviews/result', fd);
      say(msg, res.message.trim() || '已保存。', 'ok');
      onDone();
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  });
  return form;
}

export async function reviewPage(main, { session }) {
  const asOf = today();
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const sample = h('div', {});
  fill(main, h('h1', {}, '验收复核'), msg);
  const showSample = async (app) => {
    try {
      const t = api.table(await api.get('/api/reviews/sample', { application: app }));
      const canEnter = session.can('review.result');
      fill(sample, h('h2', { tabindex: '-1' }, `申请 ${app} 的抽样`), reportTable(t, {
        actions: canEnter ? (r) => (r.sampled === '是' || r.sampled === true || r.sampled === 1 || r.in_sample ? resultForm(app, r, () => showSample(app)) : '') : null,
      }));
      sample.querySelector('h2').focus();
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  };
  const [apps, rect, due] = await Promise.all([
    api.get('/api/reviews').then(api.table),
    api.get('/api/rectifications', { open: true, as_of: asOf }).then(api.table).catch(() => null),
    api.get('/api/followups/due', { as_of: asOf }).then(api.table).catch(() => null),
  ]);
  main.append(
    h('section', { 'aria-labelledby': 'h-apps' }, h('h2', { id: 'h-apps' }, '复核申请'),
      reportTable(apps, { caption: '', actions: (r) => h('button', { type: 'button', class: 'small', onclick: () => showSample(r.number) }, '查看抽样') })),
    sample,
    h('section', { 'aria-labelledby': 'h-rect' }, h('h2', { id: 'h-rect' }, '整改单（未关闭）'),
      reportTable(rect, { caption: '', cell: (k, r) => (k === 'deadline' && r.deadline && r.deadline < asOf ? h('span', { class: 'overdue' }, `${r.deadline}（逾期）`) : null) })),
    h('section', { 'aria-labelledby': 'h-due' }, h('h2', { id: 'h-due' }, '应回访'), reportTable(due, { caption: '', max: 50 })));
}
