// progress — 进度填报: record one step for a household, with a photo taken
// by the phone's camera; and upload a county's weekly batch (CSV or XLSX),
// whose refused rows are shown as a table of row, column, value and reason,
// with the rejects file to download, fix and upload again.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, problemsTable } from '../dom.js';
import { num, today } from '../fmt.js';
import { fileLink } from './common.js';

const STEPS = ['已开工', '已完工', '已调试', '已退出'];

async function countyNames() {
  const t = api.table(await api.get('/api/regions'));
  return t ? t.rows.filter((r) => r.level === '县(市)').map((r) => r.name) : [];
}

function countyInput(names, session, value) {
  if (session.user.scope && names.includes(session.user.scope)) {
    return h('input', { name: 'county', value: session.user.scope, readonly: true });
  }
  return select('county', [['', '请选择'], ...names.map((n) => [n, n])], value);
}

function recordForm(names, { params, session }) {
  const county = countyInput(names, session, params.county);
  const hh = h('input', { name: 'household', value: params.household || '', required: true, autocomplete: 'off' });
  const stage = select('stage', STEPS.map((s) => [s, s]), params.stage || '已开工');
  const day = h('input', { type: 'date', name: 'date', value: today(), max: today(), required: true });
  const note = h('input', { name: 'note' });
  const photo = h('input', { type: 'file', name: 'evidence', accept: 'image/*', capture: 'environment' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'h-record' },
    h('h2', { id: 'h-record' }, '记录一个环节'),
    h('div', { class: 'grid' },
      field('县市', county), field('户编号或身份证号', hh), field('环节', stage), field('日期', day),
      field('备注', note, '已退出时请写明原因'),
      field('现场照片', photo, '手机上可直接拍照；JPEG 或 PNG')),
    msg, h('button', { type: 'submit', 'data-change': '' }, '提交'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!hh.value.trim()) {
      say(msg, '请填写户编号。', 'error');
      hh.focus();
      return;
    }
    const fd = new FormData();
    fd.append('household', hh.value.trim());
    fd.append('stage', stage.value);
    fd.append('date', day.value);
    if (county.value) fd.append('county', county.value);
    if (note.value.trim()) fd.append('note', note.value.trim());
    for (const f of photo.files) fd.append('evidence', f, f.name);
    say(msg, '正在提交…');
    try {
      const res = await api.upload('/api/events/record', fd);
      say(msg, res.message.trim() || '已记录。', 'ok');
      photo.value = '';
    } catch (e) {
      say(msg, e.field ? `${errorText(e)}（${fieldName(e.field)}）` : errorText(e), 'error');
    }
  });
  return form;
}

function fieldName(f) {
  return { household: '户编号', stage: '环节', date: '日期', county: '县市', evidence: '现场照片', note: '备注' }[f] || f;
}

function batchForm(names, { session }) {
  const county = countyInput(names, session, '');
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const skip = h('input', { type: 'checkbox', name: 'skip_invalid', checked: true });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const out = h('div', {});
  const form = h('form', { class: 'card', 'aria-labelledby': 'h-batch' },
    h('h2', { id: 'h-batch' }, '上传周报'),
    h('p', { class: 'sub' }, '表格列：县市、户编号、环节、日期、备注（CSV 或 Excel）。'),
    h('div', { class: 'grid' },
      field('县市（表中无县市列时）', county), field('周报文件', file),
      h('div', { class: 'field check' }, skip, h('label', { for: skip.id = 'skip-invalid' }, '只导入正确的行，错误的行另存为退回文件'))),
    msg, h('button', { type: 'submit', 'data-change': '' }, '上传'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files[0];
    if (!f) {
      say(msg, '请选择周报文件。', 'error');
      file.focus();
      return;
    }
    const fd = new FormData();
    fd.append('file', f, f.name);
    if (county.value) fd.append('county', county.value);
    if (skip.checked) {
      fd.append('skip_invalid', '1');
      fd.append('rejects', /\.xlsx$/i.test(f.name) ? 'rejects.xlsx' : 'rejects.csv');
    }
    say(msg, '正在上传并逐行检查…');
    fill(out);
    try {
      const res = await api.upload('/api/events/import', fd);
      const bad = res.problems.filter((p) => p.severity !== 'warning');
      say(msg, res.message.trim(), bad.length ? 'error' : 'ok');
      fill(out,
        res.problems.length ? problemsTable(res.problems, `退回的行（${num(bad.length)} 行）`) : null,
        res.files.map((x) => h('p', {}, fileLink(x, '下载退回文件（改正后可再次上传）'))));
    } catch (e) {
      if (e.rows && e.rows.length) {
        say(msg, `${e.message}：没有导入任何一行。请改正下列行后重新上传。`, 'error');
        fill(out, problemsTable(e.rows, `有问题的行（${num(e.rows.length)} 行）`));
      } else {
        say(msg, errorText(e), 'error');
      }
    }
  });
  return form;
}

export async function progressPage(main, ctx) {
  const names = await countyNames().catch(() => []);
  fill(main, h('h1', {}, '进度填报'),
    ctx.session.can('event.record') ? recordForm(names, ctx) : null,
    ctx.session.can('event.import') ? batchForm(names, ctx) : null);
}
