#!/usr/bin/env node
// bench/analytics/generate.mjs: a seeded synthetic ticket table in the CSV of docs/ANALYTICS.md.
//   node generate.mjs --n 1000000 --seed 7 --out tickets.csv [--agents 200] [--courses 800]
// The same arguments give the same bytes on every machine (a 32-bit PRNG and only
// +, *, Math.log/exp/sqrt/cos, which V8 computes the same everywhere).
//
// One year of tickets from 2025-01-01 (UTC+8), uniform in time. Courses are Zipf-skewed
// (s = 1.1, course c0001 the most frequent); first response and resolution times are
// log-normal (by priority and by category); ~3 % have no first response, ~12 % are
// unresolved; CSAT is answered on ~30 % of the resolved tickets and falls as resolution
// takes longer; ~4 % carry a refund. A spike is planted on one course and one day:
// max(40, 0.0003 N) extra tickets of course c0005 on 2025-07-20 (day 200 of the year).
import { writeFileSync } from 'node:fs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const N = Number(args.n ?? 100000);
const SEED = Number(args.seed ?? 1);
const AGENTS = Number(args.agents ?? 200);
const COURSES = Number(args.courses ?? 800);
if (!args.out || !(N > 0) || !(AGENTS > 0) || !(COURSES >= 5)) {
  console.error('usage: node generate.mjs --n N --seed S --out FILE [--agents 200] [--courses 800]');
  process.exit(2);
}

// sfc32, seeded through splitmix32.
function rng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; ++i) next();
  return next;
}
const rand = rng(SEED);
const below = (n) => Math.floor(rand() * n);
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const lognormal = (median, sigma) => median * Math.exp(sigma * normal());
function weighted(weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w) / total);
  return () => {
    const u = rand();
    let k = 0;
    while (k < cdf.length - 1 && u >= cdf[k]) ++k;
    return k;
  };
}

const CATEGORIES = ['course_quality', 'technical', 'service_attitude', 'after_sales', 'account_security', 'other'];
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'];
const TIERS = ['junior', 'mid', 'senior', 'tech_support', 'supervisor'];
const CHANNELS = ['chat', 'phone', 'email', 'web_form', 'social', 'forum'];
const pickCategory = weighted([25, 30, 10, 20, 8, 7]);
const pickPriority = weighted([5, 20, 50, 25]);
const pickTier = weighted([40, 30, 15, 10, 5]);
const pickChannel = weighted([35, 15, 15, 20, 10, 5]);
const FIRST_MEDIAN = [120, 900, 5400, 28800];                 // by priority, seconds
const RESOLVE_MEDIAN = [172800, 86400, 43200, 259200, 21600, 64800];  // by category
const MAX_S = 60 * 86400;

const pad = (n, w) => String(n).padStart(w, '0');
const agentIds = Array.from({ length: AGENTS }, (_, k) => 'a' + pad(k + 1, 4));
const agentTier = agentIds.map(() => pickTier());
const courseIds = Array.from({ length: COURSES }, (_, k) => 'c' + pad(k + 1, 4));
const zipf = [];
{
  let acc = 0;
  for (let r = 1; r <= COURSES; ++r) zipf.push((acc += 1 / Math.pow(r, 1.1)));
  for (let r = 0; r < COURSES; ++r) zipf[r] /= acc;
}
const pickCourse = () => {
  const u = rand();
  let lo = 0, hi = COURSES - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < zipf[mid]) hi = mid; else lo = mid + 1;
  }
  return lo;
};

const START = 1735660800;  // 2025-01-01T00:00:00+08:00
const DAYS = 365;
const SPIKE_COURSE = 4;    // c0005
const SPIKE_DAY = 200;     // 2025-07-20
const SPIKE = Math.min(N, Math.max(40, Math.round(N * 0.0003)));

function ticket(created, course) {
  const category = pickCategory();
  const priority = pickPriority();
  const agent = below(AGENTS);
  const first = rand() < 0.03 ? -1 : Math.min(MAX_S, Math.round(lognormal(FIRST_MEDIAN[priority], 1.1)));
  const resolve = rand() < 0.12 ? -1 : Math.min(MAX_S, Math.max(60, Math.round(lognormal(RESOLVE_MEDIAN[category], 1.0))));
  let csat = 0;
  if (resolve >= 0 && rand() < 0.3) {
    const y = Math.round(4.3 - 0.6 * Math.log(resolve / 86400) + 0.8 * normal());
    csat = Math.max(1, Math.min(5, y));
  }
  const refund = rand() < (category === 3 ? 0.15 : 0.02) ? 100 * (1 + below(5000)) : 0;
  return { created, first, resolve, category, priority, agent, course, channel: pickChannel(), csat, refund };
}

const rows = [];
for (let i = 0; i < N - SPIKE; ++i) rows.push(ticket(START + below(DAYS * 86400), pickCourse()));
for (let i = 0; i < SPIKE; ++i) rows.push(ticket(START + SPIKE_DAY * 86400 + below(86400), SPIKE_COURSE));
rows.sort((x, y) => x.created - y.created);  // stable: ties keep their order

const header = 'id,created_at,first_response_s,resolve_s,category,priority,tier,agent_id,course_id,channel,csat,refund_fen\n';
const parts = [header];
let chunk = [];
for (let i = 0; i < rows.length; ++i) {
  const r = rows[i];
  chunk.push(`${i + 1},${r.created},${r.first < 0 ? '' : r.first},${r.resolve < 0 ? '' : r.resolve},` +
             `${CATEGORIES[r.category]},${PRIORITIES[r.priority]},${TIERS[agentTier[r.agent]]},${agentIds[r.agent]},` +
             `${courseIds[r.course]},${CHANNELS[r.channel]},${r.csat || ''},${r.refund}\n`);
  if (chunk.length === 65536) {
    parts.push(chunk.join(''));
    chunk = [];
  }
}
parts.push(chunk.join(''));
writeFileSync(args.out, parts.join(''));
console.error(`generate: ${N} tickets (spike: ${SPIKE} on ${courseIds[SPIKE_COURSE]}, 2025-07-20) -> ${args.out}`);
