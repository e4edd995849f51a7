#!/usr/bin/env node
// bench/analytics/engine_arquero.mjs: the five queries in Arquero 8.0.3 (npm arquero).
//   node engine_arquero.mjs --tickets FILE.csv [--runs 5] [--results OUT.json]
// Load (timed): the bytes decoded to text, aq.fromCSV with a parser per column (numbers as
// numbers, an empty cell as null; the ids as strings), and the analytics day derived. Each
// query is an Arquero pipeline (groupby + rollup with its own aggregate ops: count, valid,
// mean, quantile, stdev, corr, sum); turning the result table into the JSON of
// docs/ANALYTICS.md, and sorting it, is not timed.
import * as aq from 'arquero';
import { CATEGORIES, CHANNELS, PRIORITIES, SLA_TARGET_S, SPIKE_MIN, TIERS, UTC8, dailyStats, dayLabel, finiteOrNull,
         runEngine } from './common.mjs';

const op = aq.op;
const number = (s) => (s === '' ? null : Number(s));
const text = (s) => s;

function load(bytes) {
  const t = aq.fromCSV(bytes.toString('utf8'), {
    autoType: false,
    parse: { id: number, created_at: number, first_response_s: number, resolve_s: number, category: text,
             priority: text, tier: text, agent_id: text, course_id: text, channel: text, csat: number,
             refund_fen: number },
  });
  return t.params({ utc8: UTC8 }).derive({ day: (d, $) => op.floor((d.created_at + $.utc8) / 86400) });
}

const target = Object.fromEntries(PRIORITIES.map((p, k) => [p, SLA_TARGET_S[k]]));

const queries = {
  q1: (t) => t.groupby('category').rollup({
    count: op.count(), resolved: op.valid('resolve_s'), mean: op.mean('resolve_s'), p90: op.quantile('resolve_s', 0.9),
  }),
  q2: (t) => t.params({ target })
    .derive({ breach: (d, $) => (d.first_response_s === null || d.first_response_s > $.target[d.priority] ? 1 : 0) })
    .groupby('priority', 'tier').rollup({ n: op.count(), breaches: op.sum('breach') }),
  q3: (t) => t.groupby('category', 'channel').count(),
  q4: (t) => t.derive({ pair: (d) => (d.csat !== null && d.resolve_s !== null ? 1 : 0) })
    .groupby('agent_id').rollup({
      tickets: op.count(), csat_n: op.valid('csat'), mean: op.mean('csat'), sd: op.stdev('csat'),
      pairs: op.sum('pair'), r: op.corr('resolve_s', 'csat'),
    }),
  // Per (course, day) counts, then per course Σn and Σn² (the daily mean and sd are finished
  // from those with the shared formula, as every engine does).
  q5: (t) => {
    const range = t.rollup({ first: op.min('day'), last: op.max('day') }).object();
    const cells = t.groupby('course_id', 'day').count({ as: 'n' });
    const sums = cells.derive({ nn: (d) => d.n * d.n }).groupby('course_id').rollup({ s: op.sum('n'), q: op.sum('nn') });
    return { range, cells, sums };
  },
};

const cmp = (...keys) => (a, b) => {
  for (const k of keys) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
};

function answer(q, r) {
  if (q === 'q1')
    return r.objects().sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category)).map((x) => ({
      category: x.category, count: x.count, resolved: x.resolved, resolution_rate: x.resolved / x.count,
      mean_resolve_s: finiteOrNull(x.mean), p90_resolve_s: finiteOrNull(x.p90),
    }));
  if (q === 'q2')
    return r.objects()
      .sort((a, b) => PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) || TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier))
      .map((x) => ({ priority: x.priority, tier: x.tier, n: x.n, breaches: x.breaches, breach_rate: x.breaches / x.n }));
  if (q === 'q3') {
    const counts = CATEGORIES.map(() => CHANNELS.map(() => 0));
    for (const x of r.objects()) counts[CATEGORIES.indexOf(x.category)][CHANNELS.indexOf(x.channel)] = x.count;
    return { categories: CATEGORIES, channels: CHANNELS, counts };
  }
  if (q === 'q4')
    return r.objects().sort(cmp('agent_id')).map((x) => ({
      agent_id: x.agent_id, tickets: x.tickets, csat_n: x.csat_n, csat_mean: finiteOrNull(x.mean),
      csat_sd: finiteOrNull(x.sd), pairs: x.pairs, r_resolve_csat: x.pairs >= 2 ? finiteOrNull(x.r) : null,
    }));
  const { range, cells, sums } = r;
  if (range.first === undefined || range.first === null)
    return { first_day: null, last_day: null, days: 0, courses: [], spikes: [] };
  const days = range.last - range.first + 1;
  const byCourse = new Map();
  for (const x of sums.objects()) byCourse.set(x.course_id, { ...x, ...dailyStats(x.s, x.q, days), counts: [] });
  for (const x of cells.objects().sort(cmp('course_id', 'day'))) byCourse.get(x.course_id).counts.push([x.day, x.n]);
  const courses = [], spikes = [];
  for (const c of [...byCourse.values()].sort(cmp('course_id'))) {
    courses.push({ course_id: c.course_id, tickets: c.s, mean: c.mean, sd: finiteOrNull(c.sd),
                   counts: c.counts.map(([d, n]) => [dayLabel(d), n]) });
    if (c.threshold !== null)
      for (const [d, n] of c.counts)
        if (n >= SPIKE_MIN && n > c.threshold)
          spikes.push({ course_id: c.course_id, day: dayLabel(d), n, mean: c.mean, sd: c.sd, threshold: c.threshold });
  }
  return { first_day: dayLabel(range.first), last_day: dayLabel(range.last), days, courses, spikes };
}

await runEngine({ engine: 'arquero', load, queries, answer, tickets: (t) => t.numRows() });
