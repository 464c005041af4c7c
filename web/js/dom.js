// dom — building the page: elements without innerHTML (so nothing a user
// typed is ever parsed as markup), tables from the API's report tables,
// and the messages screen readers announce.

import { num, datesIn } from './fmt.js';

/** h('button', {class: 'x', onclick: f}, 'text', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of EL. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A unique id for label/input pairs. */
export const newId = (p = 'f') => `${p}${++uid}`;

/** A labelled field: <div class=field><label>…</label><input …></div>. */
export function field(label, input, hint) {
  if (!input.id) input.id = newId();
  const parts = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hid = newId('hint');
    input.setAttribute('aria-describedby', hid);
    parts.push(h('span', { class: 'hint', id: hid }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

/** A <select> of [value, label] pairs. */
export function select(name, options, value) {
  return h('select', { name }, options.map(([v, l]) =>
    h('option', { value: v, selected: String(v) === String(value ?? '') }, l)));
}

/** The status colours of the dispatch (红 黄 绿) as a badge with its word. */
export function status(word) {
  const cls = { 红: 'red', 黄: 'yellow', 绿: 'green' }[word];
  return cls ? h('span', { class: `badge ${cls}` }, word === '红' ? '红（滞后）' : word === '黄' ? '黄（关注）' : '绿（正常）') : word || '';
}

/** A cell's text: numbers with separators, dates written in Chinese. */
export function cellText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return num(v);
  if (/^-?\d{4,}(\.\d+)?$/.test(v)) return num(v);
  return datesIn(v);
}

/**
 * A report table of the API ({title, columns, rows, notes}) as a <table>
 * in a scrolling region. OPTS.columns limits and orders the columns (keys);
 * OPTS.cell(key, row) may return a node for a cell; OPTS.max rows at most
 * are shown (default 200), the others counted below the table.
 */
export function reportTable(t, opts = {}) {
  if (!t) return h('p', {}, '没有数据。');
  const max = opts.max ?? 200;
  const hidden = Math.max(0, t.rows.length - max);
  if (hidden) t = { ...t, rows: t.rows.slice(0, max) };
  const cols = opts.columns
    ? opts.columns.map((k) => t.columns.find((c) => c.key === k)).filter(Boolean)
    : t.columns;
  const caption = opts.caption ?? t.title;
  const table = h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.label)),
      opts.actions ? h('th', { scope: 'col' }, '操作') : null)),
    h('tbody', {}, t.rows.map((r) => h('tr', { class: r.is_total ? 'total' : null },
      cols.map((c, i) => {
        const custom = opts.cell && opts.cell(c.key, r);
        const content = custom !== undefined && custom !== null ? custom : c.key === 'status' ? status(r[c.key]) : cellText(r[c.key]);
        return i === 0 ? h('th', { scope: 'row' }, content) : h('td', { class: typeof r[c.key] === 'number' ? 'n' : null }, content);
      }),
      opts.actions ? h('td', {}, opts.actions(r)) : null))));
  const wrap = h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption || '表格' }, table);
  const notes = (t.notes || []).map((n) => h('p', { class: 'note' }, datesIn(n)));
  if (hidden) notes.unshift(h('p', { class: 'note' }, `另有 ${num(hidden)} 条未显示（可下载完整表格或缩小查询范围）。`));
  if (!t.rows.length) return h('div', {}, wrap, h('p', {}, '没有记录。'), notes);
  return h('div', {}, wrap, notes);
}

/** The rows an import refused, as a table of row, column, value, reason. */
export function problemsTable(rows, caption = '有问题的行') {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'problems' }, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ['行', '列', '值', '原因', '类别'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((p) => h('tr', { class: p.severity === 'warning' ? 'warning' : 'error' },
        h('th', { scope: 'row' }, `第 ${p.row} 行`), h('td', {}, p.column || ''), h('td', {}, p.value || ''),
        h('td', {}, p.reason), h('td', {}, p.severity === 'warning' ? '提示' : '错误'))))));
}

/** A message in the page's live region (polite), or an alert for errors. */
export function say(el, text, kind = 'info') {
  fill(el, text ? h('p', { class: `msg ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text) : null);
}

/** The text to show for an ApiError (or any error). */
export function errorText(e) {
  if (!e) return '';
  if (e.status === 401 && e.code === 'reauth_required') return `须重新输入动态验证码才能进行此操作：${e.message}`;
  if (e.status === 401) return '登录已失效，请重新登录。';
  if (e.status === 403 && e.code === 'totp_enrolment_required') return '请先在“二次验证”页面绑定动态验证码。';
  if (e.status === 403 && e.code === 'csrf') return '页面已过期，请刷新后重试。';
  if (e.status === 403) return `无权进行此操作：${e.message}`;
  if (e.status === 404) return `未找到：${e.message}`;
  if (e.status === 413) return '文件太大。';
  if (e.status >= 500) return '服务器出错，请稍后再试或联系管理员。';
  if (e.status === undefined) return `无法连接服务器：${e.message}`;
  return e.message;
}
