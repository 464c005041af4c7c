// county — 县市详情 (#/county/NAME?year=&as_of=&by=&township=): one county
// as on the overview — its headline figures, status, largest gap and
// forecast from the dispatch, countdowns, its progress chart against the
// expected curve — and below it the same progress by township, village,
// contractor and technology (report county), one tab each. A township's
// row leads to its villages; the village table scrolls under a sticky
// header. A user whose region is not this county is told so and shown
// nothing of it.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, reportTable, status as badge } from '../dom.js';
import { num, datesIn } from '../fmt.js';
import { yearAndDay, periodForm } from './common.js';
import { dispatch, kpis, countdowns, biggestGap, chartDays, curve, drawCharts } from './overview.js';

const TABS = [
  ['township', '按乡镇'],
  ['village', '按村'],
  ['contractor', '按施工单位'],
  ['technology', '按技术路线'],
];
const STAGE_KEYS = ['started', 'installed', 'commissioned', 'self_inspected', 'reviewed', 'subsidized'];

/** The county's progress BY (limited to TOWNSHIP when given). */
async function detail(county, year, asOf, by, township, format) {
  const q = { county, year, as_of: asOf, by, township };
  if (format) return api.url('/api/reports/county', { ...q, format });
  return api.table(await api.get('/api/reports/county', q));
}

/** The address of this page for PARAMS. */
function address(county, params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  return `#/county/${encodeURIComponent(county)}${q ? `?${q}` : ''}`;
}

function stageCell(r, k) {
  return h('span', { class: 'stage' }, h('span', {}, `${num(r[`${k}_n`])} 户`), h('span', { class: 'sub' }, `占 ${r[`${k}_pct`]}`));
}

/** Table T of the county's progress: the names, the registered households,
 * each stage as households and share, the withdrawn. ONTOWNSHIP, when
 * given, is called with a township whose link was followed. */
function progressTable(t, by, onTownship) {
  const names = by === 'village' ? ['township', 'village'] : [by];
  const columns = [...names, 'registered', ...STAGE_KEYS.map((k) => `${k}_n`), 'withdrawn'];
  const table = { ...t, columns: t.columns.map((c) => ({ ...c, label: c.label.replace(/·户数$/, '') })) };
  const box = reportTable(table, {
    caption: datesIn(t.title),
    columns,
    max: 5000,
    cell: (key, r) => {
      if (key.endsWith('_n')) return stageCell(r, key.slice(0, -2));
      if (key === 'township' && by === 'township' && !r.is_total && onTownship) {
        return h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); onTownship(r.township); } }, r.township,
          h('span', { class: 'visually-hidden' }, '：查看各村'));
      }
      return null;
    },
  });
  if (by === 'village') box.querySelector('.scroll')?.classList.add('tall');
  return box;
}

/** The headline of dispatch row ROW: status, the largest gap, the forecast. */
function headline(row) {
  return h('p', { class: 'headline' }, h('span', {}, '状态：', badge(row.status)),
    h('span', {}, `最大差距：${biggestGap(row)}`),
    h('span', {}, `已调试预计完成：${datesIn(row.commissioned_forecast) || '-'}`));
}

export async function countyPage(main, { args, params, session, go }) {
  const name = args[0] || '';
  const { year, asOf } = await yearAndDay(params);
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const back = session.user.role !== 'county_operator' && session.can('report.dispatch')
    ? h('p', {}, h('a', { href: `#/overview?year=${year}&as_of=${asOf}` }, '← 返回全州总览')) : null;
  if (!name) {
    fill(main, back, h('h1', {}, '县市详情'), h('p', { class: 'msg error', role: 'alert' }, '请从全州总览中选择一个县市。'));
    return;
  }
  let by = TABS.some(([k]) => k === params.by) ? params.by : 'township';
  let township = by === 'village' ? params.township || '' : '';
  fill(main, back, h('h1', {}, `${name} 县市详情`),
    periodForm(year, asOf, (p) => go(`county/${encodeURIComponent(name)}`, { ...p, by })), msg);

  let first;
  try {
    first = await detail(name, year, asOf, by, township);
  } catch (e) {
    if (e.status === 403) {
      say(msg, `无权查看${name}的县市详情：您的账号只能查看${session.user.scope || '本辖区'}的数据。`, 'error');
      if (session.user.role === 'county_operator' && session.user.scope) {
        main.append(h('p', {}, h('a', { href: address(session.user.scope, { year, as_of: asOf }) }, `查看${session.user.scope}县市详情`)));
      }
    } else if (e.status === 404) {
      say(msg, `没有找到${township ? `${name}${township}` : `县市“${name}”`}，请从全州总览中选择。`, 'error');
    } else {
      say(msg, errorText(e), 'error');
    }
    return;
  }

  // the county's row of the dispatch: the same figures as on the overview
  let row = null;
  let noPlan = false;
  try {
    const t = api.table(await dispatch(year, asOf));
    row = t.rows.find((r) => !r.is_total && (r.county === name || first.title.startsWith(`${year}年${r.county}`)));
  } catch (e) {
    if (e.status === 404) noPlan = true;
    else say(msg, errorText(e), 'error');
  }

  const tabs = TABS.map(([k, label]) => h('button', {
    type: 'button', role: 'tab', id: `tab-${k}`, 'aria-controls': 'county-panel', 'aria-selected': String(k === by),
    tabindex: k === by ? '0' : '-1', onclick: () => show(k, ''),
  }, label));
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '分类方式' }, tabs);
  tablist.addEventListener('keydown', (ev) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0 || !['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(ev.key)) return;
    ev.preventDefault();
    const j = ev.key === 'Home' ? 0 : ev.key === 'End' ? tabs.length - 1
      : (i + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length;
    tabs[j].focus();
    show(TABS[j][0], '');
  });
  const tools = h('div', { class: 'actions' });
  const panel = h('div', { id: 'county-panel', role: 'tabpanel', 'aria-labelledby': `tab-${by}` });
  let townships = by === 'township' ? first : null;
  let shown = 0;

  async function show(k, tw, t = null) {
    const mine = ++shown;
    by = k;
    township = k === 'village' ? tw : '';
    for (const b of tabs) {
      const on = b.id === `tab-${k}`;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${k}`);
    history.replaceState(null, '', address(name, { year, as_of: asOf, by: k, township }));
    if (!t) main.setAttribute('aria-busy', 'true'); // the router's while the page first draws
    fill(panel, h('p', { class: 'loading' }, '正在加载…'));
    try {
      const table = t || await detail(name, year, asOf, k, township);
      if (mine !== shown) return;
      if (k === 'township' && !township) townships = table;
      let filter = null;
      if (k === 'village') {
        if (!townships) townships = await detail(name, year, asOf, 'township', '');
        if (mine !== shown) return;
        const names = townships.rows.filter((r) => !r.is_total).map((r) => r.township);
        const sel = select('township', [['', '全部乡镇'], ...names.map((n) => [n, n])], township);
        sel.addEventListener('change', () => show('village', sel.value));
        filter = h('div', { class: 'toolbar' }, field('乡镇', sel));
      }
      const label = TABS.find(([x]) => x === k)[1];
      const file = `${name}${township}-${label}-${asOf}`;
      fill(tools,
        h('a', { class: 'button', href: await detail(name, year, asOf, k, township, 'xlsx'), download: `${file}.xlsx` }, '下载 Excel'),
        h('a', { class: 'button', href: await detail(name, year, asOf, k, township, 'csv'), download: `${file}.csv` }, '下载 CSV'));
      fill(panel, filter, progressTable(table, k, (x) => show('village', x)));
    } catch (e) {
      if (mine === shown) fill(panel, h('p', { class: 'msg error', role: 'alert' }, errorText(e)));
    } finally {
      if (mine === shown && !t) main.removeAttribute('aria-busy');
    }
  }

  const chartBox = h('div', { class: 'charts' });
  main.append(
    h('p', { class: 'sub' }, datesIn(first.title).replace(/（.*?，/, '（')),
    h('section', { 'aria-labelledby': 'h-head' }, h('h2', { id: 'h-head' }, `${name}主要指标`),
      row ? [headline(row), kpis(row, 0)]
        : h('p', {}, noPlan ? `${year} 年的计划尚未导入，没有任务数可比。` : `${year} 年的计划中没有${name}。`)),
    h('section', { 'aria-labelledby': 'h-count' }, h('h2', { id: 'h-count' }, '节点倒计时'), countdowns(year, asOf)),
    h('section', { 'aria-labelledby': 'h-detail' }, h('h2', { id: 'h-detail' }, '分类进度'),
      h('p', { class: 'note' }, '户数为截至当日达到该环节的农户，占比以登记户数（不含已退出）为分母；计划任务未分解到乡镇和村。'),
      tablist, tools, panel),
    h('section', { 'aria-labelledby': 'h-chart' }, h('h2', { id: 'h-chart' }, '进度曲线（实际与应完成）'), chartBox));
  await show(by, township, first);
  if (row) {
    const days = chartDays(year, asOf);
    delete document.body.dataset.charts;
    drawCharts(chartBox, await curve(year, asOf, days, (r) => r.county === row.county, row), days, name);
  }
}
