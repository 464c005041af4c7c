// fmt — numbers and dates as Chinese offices write them: thousands
// separators (43,977), 万 where the plan uses it (2.43 万户), dates as
// 2023年5月31日, and the small date arithmetic the pages need.

const nf = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

/** 43977 → "43,977"; text that is not a number is returned as it is. */
export function num(v) {
  if (v === null || v === undefined || v === '') return '';
  const n = typeof v === 'number' ? v : Number(String(v).replace(/,/g, ''));
  return Number.isFinite(n) && String(v).trim() !== '' ? nf.format(n) : String(v);
}

/** 24346 → "2.43 万" (two decimals, as the plan writes its totals). */
export function wan(v) {
  const n = Number(v);
  if (!Number.isFinite(n)) return '';
  return `${(n / 10000).toFixed(2)} 万`;
}

/** "2023-05-31" → "2023年5月31日"; anything else unchanged. */
export function date(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : iso || '';
}

/** Dates inside a text ("2027-04-25（逾期）") written the Chinese way. */
export function datesIn(text) {
  return String(text ?? '').replace(/\d{4}-\d{2}-\d{2}/g, (d) => date(d));
}

/** Today in Beijing as YYYY-MM-DD. */
export function today() {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(new Date());
  const get = (t) => p.find((x) => x.type === t).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function utc(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Date.UTC(y, m - 1, d);
}

/** Days from A to B (YYYY-MM-DD), negative when B is before A. */
export function daysBetween(a, b) {
  return Math.round((utc(b) - utc(a)) / 86400000);
}

/** ISO plus N days. */
export function addDays(iso, n) {
  return new Date(utc(iso) + n * 86400000).toISOString().slice(0, 10);
}

/** The ISO week of a date as "2023-W28", and its month as "2023-07". */
export function isoWeek(iso) {
  const t = new Date(utc(iso));
  const day = (t.getUTCDay() + 6) % 7; // Monday 0
  t.setUTCDate(t.getUTCDate() - day + 3); // the week's Thursday
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** "11.3%" → 11.3; numbers pass through; anything else → null. */
export function pct(v) {
  if (typeof v === 'number') return v;
  const m = /(-?\d+(?:\.\d+)?)%/.exec(String(v ?? ''));
  return m ? Number(m[1]) : null;
}
