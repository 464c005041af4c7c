// dispatch — 调度报表: the weekly or monthly dispatch as on paper, chosen by
// year, date and period; the office's XLSX sheet to download; freezing a
// period's figures; the reminder notices.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable } from '../dom.js';
import { isoWeek, datesIn, num } from '../fmt.js';
import { yearAndDay, periodForm, download, saveText } from './common.js';

export async function dispatchPage(main, { params, session, go }) {
  const { year, asOf } = await yearAndDay(params);
  const period = params.period === 'month' ? 'month' : 'week';
  const per = select('period', [['week', '周调度（与上周比）'], ['month', '月调度（与上月比）']], period);
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const out = h('div', {});
  const q = { year, as_of: asOf, period };
  const xlsx = h('button', { type: 'button', onclick: async () => {
    try {
      await download('/api/reports/dispatch', q, `${period === 'month' ? '月' : '周'}调度-${asOf}.xlsx`);
      say(msg, '已开始下载 Excel 调度表。', 'ok');
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  } }, '下载 Excel（办公室格式）');
  const remind = h('button', { type: 'button', onclick: async () => {
    try {
      const res = await api.get('/api/reports/remind', q);
      fill(out.querySelector('.notices'), h('h2', {}, `催办通知（${num(res.counts.notices || 0)} 份）`),
        h('pre', { class: 'notice', tabindex: '0', 'aria-label': '催办通知全文' }, res.message),
        h('button', { type: 'button', onclick: () => saveText(`催办通知-${asOf}.txt`, res.message.replace(/\f/g, '')) }, '下载通知（文本）'));
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  } }, '生成催办通知');
  const freezePeriod = period === 'month' ? asOf.slice(0, 7) : isoWeek(asOf);
  const freeze = session.can('report.freeze') ? h('button', { type: 'button', 'data-change': '', onclick: async () => {
    if (!window.confirm(`冻结 ${freezePeriod} 的调度数据？冻结后该期数字不再改变。`)) return;
    try {
      const res = await api.post('/api/reports/freeze', { year, period: freezePeriod });
      say(msg, res.message.trim(), 'ok');
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  } }, `冻结 ${freezePeriod}`) : null;
  fill(main, h('h1', {}, '调度报表'),
    periodForm(year, asOf, (p) => go('dispatch', { ...p, period: per.value }), field('周期', per)),
    h('div', { class: 'actions' }, xlsx, session.can('report.remind') ? remind : null, freeze),
    msg, out);
  try {
    const t = api.table(await api.get('/api/reports/dispatch', q));
    fill(out, h('h2', {}, datesIn(t.title)), reportTable(t, { caption: '' }), h('div', { class: 'notices' }));
  } catch (e) {
    say(msg, e.status === 404 ? `${year} 年的计划尚未导入。` : errorText(e), 'error');
  }
}
