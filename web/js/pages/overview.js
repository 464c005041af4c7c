// overview — 全州总览 (a county's own for a county user): per county the
// target and the households at each stage with % against the expected %
// of the milestone curve, the status colour, the gap and the forecast;
// a chart per stage of progress over time against the expected curve
// (ECharts); countdowns to the plan's deadlines; energy saving against its
// targets; the counties behind and a button that produces the reminder
// notices through the API. Each county's name leads to its detail page
// (county.js), which draws its figures with the pieces exported here.

import * as api from '../api.js';
import { h, fill, say, errorText, status as badge } from '../dom.js';
import { num, wan, date, daysBetween, addDays, pct, datesIn } from '../fmt.js';
import { STAGES, yearAndDay, periodForm, saveText } from './common.js';

const DEADLINES = [
  ['05-31', '全面开工'],
  ['09-30', '完成安装调试'],
  ['10-31', '完成复核'],
];
export const CHART_STAGES = STAGES.filter(([k]) => k !== 'self_inspected');

/** The dispatch table of YEAR on AS_OF. */
export function dispatch(year, asOf) {
  return api.get('/api/reports/dispatch', { year, as_of: asOf });
}

/** The days charted: Sundays from April to AS_OF, at most 10, and AS_OF. */
export function chartDays(year, asOf) {
  let d = `${year}-04-02`;
  while (new Date(`${d}T00:00:00Z`).getUTCDay() !== 0) d = addDays(d, 1);
  const weeks = Math.max(0, Math.floor(daysBetween(d, asOf) / 7));
  const step = Math.max(1, Math.ceil(weeks / 10));
  const days = [];
  for (let w = 0; w < weeks; w += step) days.push(addDays(d, 7 * w));
  days.push(asOf);
  return days;
}

export function countdowns(year, asOf) {
  return h('ul', { class: 'countdowns', 'aria-label': '节点倒计时' }, DEADLINES.map(([md, what]) => {
    const day = `${year}-${md}`;
    const n = daysBetween(asOf, day);
    const text = n > 0 ? `还有 ${num(n)} 天` : n === 0 ? '就是今天' : `已过 ${num(-n)} 天`;
    return h('li', { class: `card countdown ${n < 0 ? 'past' : n <= 30 ? 'soon' : ''}` },
      h('span', { class: 'what' }, `${date(day)} ${what}`), h('strong', {}, text));
  }));
}

/** The headline cards of dispatch row TOTAL (ES_AREA: the plan's energy-saving m², 0: none). */
export function kpis(total, esArea) {
  const cards = [
    ['清洁取暖改造任务', `${num(total.target)} 户`, `新建 ${num(total.target_new)}，续建 ${num(total.target_continuing)}`],
    ...CHART_STAGES.map(([k, label]) => [label, `${num(total[`${k}_n`])} 户`, `${total[`${k}_pct`]}（应 ${total[`${k}_expected`]}）`]),
    ['建筑节能改造', `${wan(total.es_done)}户 / ${wan(total.es_target)}户`, `完成 ${total.es_pct}`],
  ];
  if (esArea) cards.push(['节能改造面积', `${wan(total.es_area)} / ${wan(esArea)} m²`, `完成 ${(100 * total.es_area / esArea).toFixed(1)}%`]);
  return h('ul', { class: 'kpis', 'aria-label': '主要指标' }, cards.map(([t, v, s]) =>
    h('li', { class: 'card kpi' }, h('span', { class: 'what' }, t), h('strong', {}, v), h('span', { class: 'sub' }, s))));
}

function stageCell(r, k) {
  return h('span', { class: 'stage' }, h('span', {}, `${num(r[`${k}_n`])} 户`),
    h('span', { class: 'sub' }, `${r[`${k}_pct`]} / 应 ${r[`${k}_expected`]}`));
}

export function biggestGap(r) {
  let worst = null;
  for (const [k, label] of STAGES) {
    const g = /落后([\d.]+)/.exec(r[`${k}_gap`] || '');
    if (g && (!worst || Number(g[1]) > worst[0])) worst = [Number(g[1]), label];
  }
  return worst ? `${worst[1]}落后 ${worst[0]} 个百分点` : '无';
}

/** A link to COUNTY's detail page for YEAR on AS_OF. */
export function countyLink(county, year, asOf) {
  return h('a', { href: `#/county/${encodeURIComponent(county)}?year=${year}&as_of=${asOf}` }, county);
}

function countyTable(rows, link) {
  const cols = ['县(市)', '任务(户)', ...CHART_STAGES.map(([, l]) => l), '状态', '最大差距', '已调试预计完成'];
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': '各县市进度' },
    h('table', { class: 'overview' }, h('caption', {}, '各县市进度（户数，完成率 / 应完成）'),
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', { class: [r.is_total ? 'total' : '', `st-${r.status}`].join(' ') },
        h('th', { scope: 'row' }, r.is_total || !link ? r.county : link(r.county)), h('td', { class: 'n' }, num(r.target)),
        CHART_STAGES.map(([k]) => h('td', {}, stageCell(r, k))),
        h('td', {}, badge(r.status)), h('td', {}, biggestGap(r)),
        h('td', {}, datesIn(r.commissioned_forecast)))))));
}

/** The dispatch row PICK chooses on each of DAYS (ROW itself on AS_OF):
 * the points of the progress curve. */
export function curve(year, asOf, days, pick, row) {
  return Promise.all(days.map((d) => (d === asOf
    ? Promise.resolve(row)
    : dispatch(year, d).then((t) => api.table(t).rows.find(pick) || {}).catch(() => ({})))));
}

/** Draws a chart per stage into BOX: SERIES (dispatch rows of one place,
 * one per day of DAYS) against the expected curve; WHERE names the place. */
export function drawCharts(box, series, days, where = '全州') {
  const charts = [];
  let pending = CHART_STAGES.length;
  for (const [k, label] of CHART_STAGES) {
    const actual = series.map((t) => pct(t[`${k}_pct`]));
    const expected = series.map((t) => pct(t[`${k}_expected`]));
    const last = series.length - 1;
    const el = h('div', { class: 'chart', role: 'img',
      'aria-label': `${label}进度：截至${date(days[last])}实际 ${actual[last]}%，按计划应 ${expected[last]}%` });
    box.append(h('figure', { class: 'card chart-card' }, h('figcaption', {}, `${label}（${where}，%）`), el));
    if (!window.echarts) {
      el.append(h('p', {}, '图表库未加载。'));
      continue;
    }
    const chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.on('finished', () => {
      if (--pending === 0) document.body.dataset.charts = 'drawn';
    });
    chart.setOption({
      animation: false,
      color: ['#1d4ed8', '#6b7280'],
      tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: (v) => `${v}%` },
      legend: { data: ['实际', '应完成'], top: 0 },
      grid: { left: 44, right: 12, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: days.map((d) => `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: '实际', type: 'line', data: actual, symbolSize: 6 },
        { name: '应完成', type: 'line', data: expected, lineStyle: { type: 'dashed' }, symbol: 'none' },
      ],
    });
    charts.push(chart);
  }
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
}

export async function overviewPage(main, { params, session, go }) {
  const { year, asOf } = await yearAndDay(params);
  const scope = session.user.scope;
  const title = scope ? `${scope}进度总览` : '全州总览';
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  fill(main, h('h1', {}, title), periodForm(year, asOf, (p) => go('overview', p)), msg);
  let table;
  const days = chartDays(year, asOf);
  let plan = null;
  try {
    [table, plan] = await Promise.all([
      dispatch(year, asOf).then(api.table),
      api.get('/api/plans/show', { year }).then(api.table).catch(() => null),
    ]);
  } catch (e) {
    if (e.status === 404) say(msg, `${year} 年的计划尚未导入，没有进度可看。`, 'error');
    else say(msg, errorText(e), 'error');
    return;
  }
  const rows = table.rows;
  const total = rows.find((r) => r.is_total) || rows[rows.length - 1];
  const areaNote = plan && (plan.notes || []).map((n) => /面积目标：([\d.]+)/.exec(n)).find(Boolean);
  const behind = rows.filter((r) => !r.is_total && (r.status === '红' || r.status === '黄'));
  const chartBox = h('div', { class: 'charts' });
  const notices = h('div', { class: 'notices' });
  const remindBtn = session.can('report.remind') ? h('button', { type: 'button', onclick: async () => {
    remindBtn.disabled = true;
    say(notices, '正在生成…');
    try {
      const res = await api.get('/api/reports/remind', { year, as_of: asOf });
      const text = res.message || '';
      fill(notices, h('h3', {}, `催办通知（${num(res.counts.notices || 0)} 份）`),
        h('pre', { class: 'notice', tabindex: '0', 'aria-label': '催办通知全文' }, text),
        h('button', { type: 'button', onclick: () => saveText(`催办通知-${asOf}.txt`, text.replace(/\f/g, '')) }, '下载通知（文本）'));
    } catch (e) {
      say(notices, errorText(e), 'error');
    } finally {
      remindBtn.disabled = false;
    }
  } }, '生成催办通知') : null;

  main.append(
    h('p', { class: 'sub' }, datesIn(table.title)),
    h('section', { 'aria-labelledby': 'h-count' }, h('h2', { id: 'h-count' }, '节点倒计时'), countdowns(year, asOf)),
    h('section', { 'aria-labelledby': 'h-kpi' }, h('h2', { id: 'h-kpi' }, scope ? `${scope}合计` : '全州合计'), kpis(total, areaNote ? Number(areaNote[1]) : 0)),
    h('section', { 'aria-labelledby': 'h-behind' }, h('h2', { id: 'h-behind' }, '进度滞后的县市'),
      behind.length
        ? h('ul', { class: 'behind' }, behind.map((r) => h('li', {}, badge(r.status), ` ${r.county}：${biggestGap(r)}`)))
        : h('p', {}, '没有进度滞后的县市。'),
      remindBtn, notices),
    h('section', { 'aria-labelledby': 'h-table' }, h('h2', { id: 'h-table' }, '各县市进度'), countyTable(rows, session.can('report.county') ? (c) => countyLink(c, year, asOf) : null),
      (table.notes || []).map((n) => h('p', { class: 'note' }, datesIn(n)))),
    h('section', { 'aria-labelledby': 'h-chart' }, h('h2', { id: 'h-chart' }, '进度曲线（实际与应完成）'), chartBox));

  // the curve: the same dispatch on earlier days (answers the server keeps)
  drawCharts(chartBox, await curve(year, asOf, days, (r) => r.is_total, total), days);
}
