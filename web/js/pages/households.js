// households — 农户台账: search (name, 户编号, ID number, phone, address),
// filters, paging; ID and phone numbers masked, with an audited 显示 for
// roles that may see them; and one household's page: its record, and below
// it its history (履历) in date order, each item labelled by 类别, with the
// evidence photos as thumbnails that open the full image.

import * as api from '../api.js';
import { h, fill, field, select, say, errorText, cellText } from '../dom.js';
import { num, date, datesIn } from '../fmt.js';

const PAGE = 50;
/** Where a household stands (the stages of the workflow). */
const STATUSES = ['已登记', '已开工', '已完工', '已调试', '自验合格', '已申请复核', '复核通过', '补助已发放', '已退出'];
const COLUMNS = ['hh_no', 'head_name', 'county', 'township', 'village', 'id_number', 'phone', 'technology', 'batch', 'status'];

async function counties() {
  const t = api.table(await api.get('/api/regions'));
  return t ? t.rows.filter((r) => r.level === '县(市)').map((r) => r.name) : [];
}

function householdLink(r) {
  return h('a', { href: `#/household/${encodeURIComponent(r.county)}/${encodeURIComponent(r.hh_no)}` }, r.hh_no);
}

export async function householdsPage(main, { params, session, go }) {
  const page = Math.max(0, Number(params.page) || 0);
  const names = await counties().catch(() => []);
  const q = h('input', { type: 'search', name: 'q', value: params.q || '', placeholder: '姓名、户编号、身份证号、电话或地址' });
  const county = session.user.scope && names.includes(session.user.scope)
    ? null
    : select('county', [['', '全部县市'], ...names.map((n) => [n, n])], params.county);
  const township = h('input', { name: 'township', value: params.township || '' });
  const batch = select('batch', [['', '全部'], ['新建', '新建'], ['续建', '续建']], params.batch);
  const status = select('status', [['', '全部'], ...STATUSES.map((s) => [s, s])], params.status);
  const year = h('input', { type: 'number', name: 'year', min: '2000', max: '2100', value: params.year || '', inputmode: 'numeric' });
  const form = h('form', { class: 'toolbar', role: 'search', 'aria-label': '查找农户' },
    field('查找', q), county ? field('县市', county) : null, field('乡镇', township), field('批次', batch),
    field('进度状态', status), field('年度', year),
    h('button', { type: 'submit' }, '查询'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go('households', { q: q.value.trim(), county: county ? county.value : '', township: township.value.trim(), batch: batch.value, status: status.value, year: year.value });
  });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const results = h('div', {});
  fill(main, h('h1', {}, '农户台账'), form, msg, results);

  const filters = { county: county ? params.county : '', township: params.township, batch: params.batch, status: params.status, year: params.year };
  const path = params.q ? '/api/households/search' : '/api/households';
  let answer;
  try {
    answer = await api.get(path, { ...filters, text: params.q, limit: PAGE + 1, offset: page * PAGE });
  } catch (e) {
    say(msg, errorText(e), 'error');
    return;
  }
  const t = api.table(answer);
  const more = t.rows.length > PAGE;
  t.rows = t.rows.slice(0, PAGE);
  const reveal = (r, tr) => async () => {
    try {
      const one = api.table(await api.get('/api/households/show', { household: r.hh_no, county: r.county, reveal: true })).rows[0];
      const cells = tr.querySelectorAll('[data-key]');
      for (const c of cells) c.textContent = one[c.dataset.key] || '';
      say(msg, `已显示 ${r.hh_no} 的完整号码（此次查看已记入审计日志）。`);
    } catch (e) {
      say(msg, errorText(e), 'error');
    }
  };
  const cols = COLUMNS.map((k) => t.columns.find((c) => c.key === k)).filter(Boolean);
  const tbody = h('tbody', {});
  for (const r of t.rows) {
    const tr = h('tr', {});
    cols.forEach((c, i) => {
      const v = c.key === 'hh_no' ? householdLink(r) : cellText(r[c.key]);
      const cell = i === 0 ? h('th', { scope: 'row' }, v) : h('td', {}, v);
      if (c.key === 'id_number' || c.key === 'phone') cell.dataset.key = c.key;
      tr.append(cell);
    });
    if (session.user.may_reveal) {
      tr.append(h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': `显示 ${r.head_name} 的完整身份证号和电话`, onclick: reveal(r, tr) }, '显示')));
    }
    tbody.append(tr);
  }
  const from = page * PAGE;
  const pager = h('nav', { class: 'pager', 'aria-label': '翻页' },
    h('button', { type: 'button', disabled: page === 0, onclick: () => go('households', { ...params, page: page - 1 }) }, '上一页'),
    h('span', {}, t.rows.length ? `第 ${num(from + 1)}–${num(from + t.rows.length)} 户（第 ${page + 1} 页）` : '没有符合条件的农户'),
    h('button', { type: 'button', disabled: !more, onclick: () => go('households', { ...params, page: page + 1 }) }, '下一页'));
  fill(results,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': '农户列表' },
      h('table', {}, h('caption', {}, params.q ? `“${params.q}”的查找结果` : '农户档案（身份证号、电话已脱敏）'),
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.label)),
          session.user.may_reveal ? h('th', { scope: 'col' }, '完整号码') : null)),
        tbody)),
    pager);
}

export async function householdPage(main, { args, session }) {
  const [county, hh] = args;
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const body = h('div', {});
  fill(main, h('p', {}, h('a', { href: '#/households' }, '← 返回农户台账')), h('h1', {}, `农户档案 ${hh || ''}`), msg, body);
  const show = async (reveal) => {
    let t;
    try {
      t = api.table(await api.get('/api/households/show', { household: hh, county, reveal }));
    } catch (e) {
      if (e.status === 403) say(msg, `您无权查看该农户（${county}）：只能查看本辖区的农户。`, 'error');
      else if (e.status === 404) say(msg, `没有找到 ${county} 户编号为 ${hh} 的农户。`, 'error');
      else say(msg, errorText(e), 'error');
      return false;
    }
    const r = t.rows[0];
    // a year is not a quantity: 2023, not 2,023
    const value = (c) => (c.key === 'plan_year' ? String(r[c.key] ?? '') : cellText(r[c.key]));
    const dl = h('dl', { class: 'record' }, t.columns.map((c) => [h('dt', {}, c.label), h('dd', {}, value(c) || '—')]));
    const actions = h('div', { class: 'actions' },
      !reveal && session.user.may_reveal ? h('button', { type: 'button', onclick: () => show(true) }, '显示完整号码') : null,
      session.can('event.record') ? h('a', { class: 'button', 'data-change': '', href: `#/progress?county=${encodeURIComponent(r.county)}&household=${encodeURIComponent(r.hh_no)}` }, '记录进度') : null);
    fill(body, h('section', { class: 'card', 'aria-label': '农户信息' }, dl), actions, timeline);
    if (reveal) say(msg, '已显示完整号码（此次查看已记入审计日志）。');
    return true;
  };
  const timeline = h('section', { class: 'card timeline', 'aria-labelledby': 'h-history' },
    h('h2', { id: 'h-history' }, '履历'), h('p', { class: 'loading' }, '正在载入履历…'));
  if (await show(false)) await history(timeline, county, hh);
}

// ---- the household's history ----

const KINDS = ['登记', '进度', '自验', '复核', '整改', '回访', '补助'];
const KIND_CLASS = { 登记: 'k-register', 进度: 'k-step', 自验: 'k-inspect', 复核: 'k-review', 整改: 'k-rectify', 回访: 'k-followup', 补助: 'k-subsidy' };

/** "12,345 字节" or "1.2 MB". */
function size(bytes) {
  return bytes >= 1048576 ? `${num((bytes / 1048576).toFixed(1))} MB` : `${num(bytes)} 字节`;
}

/** One evidence file: asks the API for it (the answer offers the file at a
 * URL of this user's), then a thumbnail that opens the full image, or a
 * link for a file that is not an image. */
async function evidence(slot, county, hh, file, what) {
  const label = `${file.name}（${size(file.size)}）`;
  try {
    const answer = await api.get('/api/households/evidence', { household: hh, county, hash: file.hash });
    const url = answer.files && answer.files[0] && answer.files[0].url;
    const type = (answer.data && answer.data.media_type) || '';
    if (!url) throw new Error('没有文件');
    if (type.startsWith('image/')) {
      fill(slot, h('a', { href: url, target: '_blank', rel: 'noopener', class: 'thumb', title: `查看原图：${label}` },
        h('img', { src: url, alt: `证明材料照片：${what}，${file.name}`, loading: 'lazy', width: '96', height: '96' }),
        h('span', { class: 'thumb-name' }, label)));
    } else {
      fill(slot, h('a', { href: url, download: file.name }, `下载 ${label}`));
    }
  } catch (e) {
    fill(slot, h('span', { class: 'note' }, `${label}：无法载入（${errorText(e)}）`));
  }
}

async function history(section, county, hh) {
  const head = section.querySelector('h2');
  let answer;
  try {
    answer = await api.get('/api/households/history', { household: hh, county });
  } catch (e) {
    fill(section, head, h('p', { class: 'msg error', role: 'alert' }, `履历无法载入：${errorText(e)}`));
    return;
  }
  const items = (answer.data && answer.data.items) || [];
  const counts = KINDS.map((k) => [k, items.filter((x) => x.category === k).length]).filter(([, n]) => n);
  const legend = h('p', { class: 'sub' }, `共 ${num(items.length)} 项：`,
    counts.map(([k, n], i) => [i ? '，' : '', h('span', { class: `kind ${KIND_CLASS[k]}` }, k), ` ${num(n)} 项`]),
    '。日期为各项记录的日期；已更正的记录保留原样并注明。');
  const pending = [];
  const list = h('ol', { class: 'timeline-list' }, items.map((x) => {
    const when = x.day ? h('time', { datetime: x.day }, date(x.day)) : h('span', {}, '日期未记录');
    const files = (x.evidence || []).map((f) => {
      const slot = h('li', {}, h('span', { class: 'loading' }, `${f.name}（载入中）`));
      pending.push(() => evidence(slot, county, hh, f, `${x.what}${x.day ? `，${date(x.day)}` : ''}`));
      return slot;
    });
    return h('li', { class: `tl-item ${KIND_CLASS[x.category] || ''}${x.superseded ? ' superseded' : ''}` },
      h('div', { class: 'tl-head' }, when, h('span', { class: `kind ${KIND_CLASS[x.category] || ''}` }, x.category),
        h('strong', {}, x.what)),
      x.detail ? h('p', { class: 'tl-detail' }, datesIn(x.detail)) : null,
      x.actor ? h('p', { class: 'tl-actor' }, `经办人：${x.actor}`) : null,
      files.length ? h('ul', { class: 'thumbs', 'aria-label': `${x.what}的证明材料` }, files) : null);
  }));
  fill(section, head, legend, items.length ? list : h('p', {}, '尚无记录。'));
  // the photos, a few at a time
  for (let i = 0; i < pending.length; i += 4) await Promise.all(pending.slice(i, i + 4).map((f) => f()));
}
