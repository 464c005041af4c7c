// common — what several pages share: the year and as-of date controls,
// the stages of the dispatch, and saving a text or a server file.

import * as api from '../api.js';
import { h, field } from '../dom.js';
import { today } from '../fmt.js';

/** The stages the dispatch reports, with their column prefix. */
export const STAGES = [
  ['started', '已开工'],
  ['installed', '已完工'],
  ['commissioned', '已调试'],
  ['self_inspected', '自验合格'],
  ['reviewed', '复核通过'],
];

let latestPlan = null;

/** The newest plan year up to this one (this year when none is found). */
async function planYear(thisYear) {
  if (latestPlan) return latestPlan;
  for (let y = thisYear; y > thisYear - 6; y--) {
    try {
      await api.get('/api/plans/show', { year: y });
      latestPlan = y;
      return y;
    } catch (e) {
      if (e.status !== 404) break;
    }
  }
  return thisYear;
}

/** The year and day a page shows: from the address, else the newest plan's
 * year and today (or that year's last day when it is past). */
export async function yearAndDay(params) {
  const t = today();
  const year = Number(params.year) || (await planYear(Number(t.slice(0, 4))));
  let asOf = params.as_of || t;
  if (!params.as_of && asOf > `${year}-12-31`) asOf = `${year}-12-31`;
  return { year, asOf };
}

/** A form with 年度 and 截至日期 (and EXTRA fields) that calls ONSUBMIT. */
export function periodForm(year, asOf, onsubmit, ...extra) {
  const y = h('input', { type: 'number', name: 'year', min: '2000', max: '2100', value: String(year), required: true, inputmode: 'numeric' });
  const d = h('input', { type: 'date', name: 'as_of', value: asOf, required: true });
  const form = h('form', { class: 'toolbar', 'aria-label': '统计口径' },
    field('年度', y), field('截至日期', d), ...extra, h('button', { type: 'submit' }, '查询'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onsubmit({ year: y.value, as_of: d.value });
  });
  return form;
}

/** Offers TEXT as a file called NAME (UTF-8 with a BOM, for Notepad). */
export function saveText(name, text) {
  const blob = new Blob(['\ufeff', text], { type: 'text/plain;charset=utf-8' });
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

/** A link to download a file the server wrote (an answer's files[]). */
export function fileLink(f, label) {
  return h('a', { href: f.url, download: f.name, class: 'button' }, label || `下载 ${f.name}`);
}

/** Runs an operation whose output file is asked for by NAME and starts
 * its download. */
export async function download(path, params, name) {
  const res = await api.get(path, { ...params, output: name });
  const f = res.files && res.files[0];
  if (f) {
    const a = h('a', { href: f.url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
  }
  return res;
}
