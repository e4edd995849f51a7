#!/usr/bin/env node
// bench/analytics/engine_js.mjs: the five queries hand-written in JavaScript over typed arrays,
// independently of src/core/analytics.cpp (it also writes tests/data/analytics_sample_expected.json).
//   node engine_js.mjs --tickets FILE.csv [--runs 5] [--results OUT.json]
// Reads the generator's CSV (unquoted fields; docs/ANALYTICS.md) into one typed array per
// column, enum ids and agent/course ids as codes.
import {
  CATEGORIES, CHANNELS, PRIORITIES, SLA_TARGET_S, SPIKE_MIN, TIERS, UTC8, dailyStats, dayLabel, finiteOrNull,
  p90FromSorted, runEngine,
} from './common.mjs';

const HEADER = 'id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,channel,csat,refund_fen';
const COMMA = 44, NL = 10, CR = 13;

function vocabulary(ids) {
  return new Map(ids.map((id, k) => [id, k]));
}
const CAT = vocabulary(CATEGORIES), PRI = vocabulary(PRIORITIES), TIER = vocabulary(TIERS), CHAN = vocabulary(CHANNELS);

function load(buf) {
  let lines = 0;
  for (let p = buf.indexOf(NL); p >= 0; p = buf.indexOf(NL, p + 1)) ++lines;
  const cap = lines + 1;
  const t = {
    n: 0,
    id: new Float64Array(cap), created: new Float64Array(cap), day: new Int32Array(cap),
    first: new Int32Array(cap), resolve: new Int32Array(cap),
    cat: new Uint8Array(cap), pri: new Uint8Array(cap), tier: new Uint8Array(cap), chan: new Uint8Array(cap),
    csat: new Uint8Array(cap), agent: new Uint32Array(cap), course: new Uint32Array(cap), refund: new Float64Array(cap),
    agents: [], courses: [], agentCode: new Map(), courseCode: new Map(), firstDay: 0x7fffffff, lastDay: -0x80000000,
  };
  let p = buf.indexOf(NL);
  const header = buf.latin1Slice(buf[0] === 0xef ? 3 : 0, p).replace(/\r$/, '');
  if (header !== HEADER) throw new Error(`line 1: the header must be ${HEADER}`);
  ++p;
  let line = 1;
  const end = buf.length;
  const fail = (col, why) => { throw new Error(`line ${line}, column ${col}: ${why}`); };
  // A whole number up to the next comma or line end; -1 when empty.
  const num = (col) => {
    let v = 0, digits = 0;
    for (;;) {
      const c = buf[p];
      if (c >= 48 && c <= 57) { v = v * 10 + (c - 48); ++digits; ++p; continue; }
      if (p >= end || c === COMMA || c === NL || c === CR) break;
      fail(col, 'not a whole number');
    }
    return digits ? v : -1;
  };
  const text = () => {
    const b = p;
    while (p < end && buf[p] !== COMMA && buf[p] !== NL && buf[p] !== CR) ++p;
    return buf.latin1Slice(b, p);
  };
  const sep = (col) => { if (buf[p] !== COMMA) fail(col, 'too few fields'); ++p; };
  const word = (col, map) => {
    const k = map.get(text());
    if (k === undefined) fail(col, 'not a known id');
    return k;
  };
  const code = (map, list) => {
    const s = text();
    let k = map.get(s);
    if (k === undefined) { k = list.length; list.push(s); map.set(s, k); }
    return k;
  };
  while (p < end) {
    ++line;
    if (buf[p] === NL || buf[p] === CR) { ++p; continue; }
    const i = t.n++;
    t.id[i] = num('id'); sep('id');
    const created = num('created_at'); sep('created_at');
    t.created[i] = created;
    const day = Math.floor((created + UTC8) / 86400);
    t.day[i] = day;
    if (day < t.firstDay) t.firstDay = day;
    if (day > t.lastDay) t.lastDay = day;
    t.first[i] = num('first_response_s'); sep('first_response_s');
    t.resolve[i] = num('resolve_s'); sep('resolve_s');
    t.cat[i] = word('category', CAT); sep('category');
    t.pri[i] = word('priority', PRI); sep('priority');
    t.tier[i] = word('tier', TIER); sep('tier');
    t.agent[i] = code(t.agentCode, t.agents); sep('agent_id');
    t.course[i] = code(t.courseCode, t.courses); sep('course_id');
    t.chan[i] = word('channel', CHAN); sep('channel');
    const y = num('csat'); sep('csat');
    if (y === 0 || y > 5) fail('csat', 'not 1 … 5');
    t.csat[i] = y < 0 ? 0 : y;
    t.refund[i] = num('refund_fen');
    if (buf[p] === CR) ++p;
    if (p < end && buf[p] !== NL) fail('refund_fen', 'too many fields');
    ++p;
  }
  return t;
}

function q1(t) {
  const count = new Float64Array(6), resolved = new Float64Array(6), sum = new Float64Array(6);
  const { n, cat, resolve } = t;
  for (let i = 0; i < n; ++i) {
    const c = cat[i], r = resolve[i];
    ++count[c];
    if (r >= 0) { ++resolved[c]; sum[c] += r; }
  }
  const start = new Int32Array(7);
  for (let c = 0; c < 6; ++c) start[c + 1] = start[c] + resolved[c];
  const at = start.slice(0, 6);
  const values = new Int32Array(start[6]);
  for (let i = 0; i < n; ++i) {
    const r = resolve[i];
    if (r >= 0) values[at[cat[i]]++] = r;
  }
  const p90 = [];
  for (let c = 0; c < 6; ++c) {
    values.subarray(start[c], start[c + 1]).sort();
    p90.push(p90FromSorted(values, start[c], resolved[c]));
  }
  return { count, resolved, sum, p90 };
}

function q2(t) {
  const total = new Float64Array(20), breaches = new Float64Array(20);
  const { n, pri, tier, first } = t;
  for (let i = 0; i < n; ++i) {
    const p = pri[i], c = p * 5 + tier[i], f = first[i];
    ++total[c];
    if (f < 0 || f > SLA_TARGET_S[p]) ++breaches[c];
  }
  return { total, breaches };
}

function q3(t) {
  const counts = new Float64Array(36);
  const { n, cat, chan } = t;
  for (let i = 0; i < n; ++i) ++counts[cat[i] * 6 + chan[i]];
  return counts;
}

function q4(t) {
  const A = t.agents.length;
  const tickets = new Float64Array(A), cn = new Float64Array(A), cs = new Float64Array(A), css = new Float64Array(A);
  const pn = new Float64Array(A), sx = new Float64Array(A), sy = new Float64Array(A);
  const sxx = new Float64Array(A), syy = new Float64Array(A), sxy = new Float64Array(A);
  const { n, agent, csat, resolve } = t;
  for (let i = 0; i < n; ++i) {
    const a = agent[i];
    ++tickets[a];
    const y = csat[i];
    if (y === 0) continue;
    ++cn[a]; cs[a] += y; css[a] += y * y;
    const x = resolve[i];
    if (x < 0) continue;
    ++pn[a]; sx[a] += x; sy[a] += y; sxx[a] += x * x; syy[a] += y * y; sxy[a] += x * y;
  }
  return { tickets, cn, cs, css, pn, sx, sy, sxx, syy, sxy };
}

function q5(t) {
  const { n, day, course } = t;
  const C = t.courses.length, first = t.firstDay, D = t.lastDay - first + 1;
  if (n === 0) return null;
  const m = new Int32Array(C * D);
  for (let i = 0; i < n; ++i) ++m[course[i] * D + day[i] - first];
  const order = t.courses.map((_, k) => k).sort((a, b) => (t.courses[a] < t.courses[b] ? -1 : 1));
  const courses = [], spikes = [];
  for (const c of order) {
    let S = 0, Q = 0;
    const cells = [];
    for (let k = 0; k < D; ++k) {
      const v = m[c * D + k];
      if (v) { S += v; Q += v * v; cells.push(first + k, v); }
    }
    if (S === 0) continue;
    const st = dailyStats(S, Q, D);
    courses.push({ c, S, ...st, cells });
    if (st.threshold !== null)
      for (let j = 0; j < cells.length; j += 2)
        if (cells[j + 1] >= SPIKE_MIN && cells[j + 1] > st.threshold)
          spikes.push({ c, day: cells[j], n: cells[j + 1], ...st });
  }
  return { first, last: t.lastDay, D, courses, spikes };
}

function answer(q, r, t) {
  if (q === 'q1')
    return CATEGORIES.flatMap((id, c) => (r.count[c] === 0 ? [] : [{
      category: id, count: r.count[c], resolved: r.resolved[c], resolution_rate: r.resolved[c] / r.count[c],
      mean_resolve_s: r.resolved[c] ? r.sum[c] / r.resolved[c] : null, p90_resolve_s: r.p90[c],
    }]));
  if (q === 'q2') {
    const out = [];
    for (let c = 0; c < 20; ++c)
      if (r.total[c])
        out.push({ priority: PRIORITIES[Math.floor(c / 5)], tier: TIERS[c % 5], n: r.total[c], breaches: r.breaches[c],
                   breach_rate: r.breaches[c] / r.total[c] });
    return out;
  }
  if (q === 'q3')
    return { categories: CATEGORIES, channels: CHANNELS,
             counts: CATEGORIES.map((_, c) => Array.from(r.subarray(c * 6, c * 6 + 6))) };
  if (q === 'q4') {
    const order = t.agents.map((_, k) => k).sort((a, b) => (t.agents[a] < t.agents[b] ? -1 : 1));
    return order.filter((a) => r.tickets[a] > 0).map((a) => {
      const n = r.cn[a], p = r.pn[a];
      let rr = null;
      if (p >= 2) {
        const vx = p * r.sxx[a] - r.sx[a] * r.sx[a], vy = p * r.syy[a] - r.sy[a] * r.sy[a];
        if (vx > 0 && vy > 0) rr = Math.max(-1, Math.min(1, (p * r.sxy[a] - r.sx[a] * r.sy[a]) / Math.sqrt(vx * vy)));
      }
      return {
        agent_id: t.agents[a], tickets: r.tickets[a], csat_n: n, csat_mean: n ? r.cs[a] / n : null,
        csat_sd: n > 1 ? Math.sqrt((n * r.css[a] - r.cs[a] * r.cs[a]) / (n * (n - 1))) : null, pairs: p,
        r_resolve_csat: rr,
      };
    });
  }
  if (r === null) return { first_day: null, last_day: null, days: 0, courses: [], spikes: [] };
  return {
    first_day: dayLabel(r.first), last_day: dayLabel(r.last), days: r.D,
    courses: r.courses.map((c) => {
      const counts = [];
      for (let j = 0; j < c.cells.length; j += 2) counts.push([dayLabel(c.cells[j]), c.cells[j + 1]]);
      return { course_id: t.courses[c.c], tickets: c.S, mean: c.mean, sd: finiteOrNull(c.sd), counts };
    }),
    spikes: r.spikes.map((s) => ({ course_id: t.courses[s.c], day: dayLabel(s.day), n: s.n, mean: s.mean, sd: s.sd,
                                   threshold: s.threshold })),
  };
}

await runEngine({ engine: 'js-typed-arrays', load, queries: { q1, q2, q3, q4, q5 }, answer, tickets: (t) => t.n });
