#!/usr/bin/env node
// bench/analytics/engine_duckdb.mjs: the five queries in DuckDB-WASM (npm @duckdb/duckdb-wasm,
// its blocking node bundle, loaded from bench/analytics/node_modules only — nothing is fetched).
//   node engine_duckdb.mjs --tickets FILE.csv [--runs 5] [--results OUT.json]
// Load (timed): the CSV bytes registered with DuckDB, read by read_csv with explicit column
// types into a staging table, ENUM types made for category, priority, tier, channel (fixed
// lists) and for agent_id and course_id (their distinct values), and the table built with
// those ENUMs, csat as UTINYINT and the analytics day as a column. Each query is one SQL
// statement whose Arrow result holds every number of the answer; turning it into the JSON of
// docs/ANALYTICS.md is not timed, and neither is putting the rows in the answer's order
// (so DuckDB is not charged for the sorting our engine does inside its queries).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, CHANNELS, PRIORITIES, SLA_TARGET_S, SPIKE_MIN, SPIKE_SDS, TIERS, UTC8, dayLabel, finiteOrNull,
         runEngine } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, 'node_modules/@duckdb/duckdb-wasm/dist');
const duckdb = require(join(dist, 'duckdb-node-blocking.cjs'));

const bundles = {
  mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
  eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
};
const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
await db.instantiate();
const conn = db.connect();

const enumList = (ids) => ids.map((s) => `'${s}'`).join(', ');
const slaCase = `CASE priority ${PRIORITIES.map((p, k) => `WHEN '${p}' THEN ${SLA_TARGET_S[k]}`).join(' ')} END`;

function load(bytes) {
  db.registerFileBuffer('tickets.csv', new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  conn.query(`CREATE TYPE category_t AS ENUM (${enumList(CATEGORIES)})`);
  conn.query(`CREATE TYPE priority_t AS ENUM (${enumList(PRIORITIES)})`);
  conn.query(`CREATE TYPE tier_t AS ENUM (${enumList(TIERS)})`);
  conn.query(`CREATE TYPE channel_t AS ENUM (${enumList(CHANNELS)})`);
  conn.query(`CREATE TEMP TABLE staging AS SELECT * FROM read_csv('tickets.csv', header = true, delim = ',',
      quote = '"', auto_detect = false, columns = {
        'id': 'BIGINT', 'created_at': 'BIGINT', 'first_response_s': 'INTEGER', 'resolve_s': 'INTEGER',
        'category': 'category_t', 'priority': 'priority_t', 'tier': 'tier_t', 'agent_id': 'VARCHAR',
        'course_id': 'VARCHAR', 'channel': 'channel_t', 'csat': 'UTINYINT', 'refund_fen': 'BIGINT'})`);
  conn.query(`CREATE TYPE agent_t AS ENUM (SELECT DISTINCT agent_id FROM staging ORDER BY agent_id)`);
  conn.query(`CREATE TYPE course_t AS ENUM (SELECT DISTINCT course_id FROM staging ORDER BY course_id)`);
  conn.query(`CREATE TABLE t AS SELECT id, created_at, first_response_s, resolve_s, category, priority, tier,
      agent_id::agent_t AS agent_id, course_id::course_t AS course_id, channel, csat, refund_fen,
      CAST((created_at + ${UTC8}) // 86400 AS INTEGER) AS day FROM staging`);
  conn.query('DROP TABLE staging');
  db.dropFile('tickets.csv');
  return { n: Number(conn.query('SELECT count(*) AS n FROM t').toArray()[0].n) };
}

const SQL = {
  q1: `SELECT category, count(*) AS count, count(resolve_s) AS resolved, count(resolve_s) / count(*) AS rate,
         avg(resolve_s) AS mean, quantile_cont(resolve_s, 0.9) AS p90
       FROM t GROUP BY category`,
  q2: `SELECT priority, tier, count(*) AS n,
         count_if(first_response_s IS NULL OR first_response_s > ${slaCase}) AS breaches,
         count_if(first_response_s IS NULL OR first_response_s > ${slaCase}) / count(*) AS rate
       FROM t GROUP BY priority, tier`,
  q3: 'SELECT category, channel, count(*) AS n FROM t GROUP BY category, channel',
  q4: `SELECT agent_id::VARCHAR AS agent_id, count(*) AS tickets, count(csat) AS csat_n, avg(csat) AS mean,
         stddev_samp(csat) AS sd, count(csat) FILTER (WHERE resolve_s IS NOT NULL) AS pairs,
         corr(resolve_s, csat) AS r
       FROM t GROUP BY agent_id`,
  // Per (course, day) counts with the course's daily mean and sd over every day of the range
  // (from Σn and Σn², exact integers), and whether the cell is a spike.
  q5: `WITH c AS (SELECT course_id, day, count(*) AS n FROM t GROUP BY course_id, day),
       r AS (SELECT min(day) AS first_day, max(day) AS last_day, max(day) - min(day) + 1 AS d FROM t),
       s AS (SELECT course_id, sum(n) AS s, sum(n * n) AS q FROM c GROUP BY course_id),
       st AS (SELECT course_id, s, s / d AS mean,
                CASE WHEN d > 1 THEN sqrt((d * q - s * s)::DOUBLE / (d * (d - 1))) END AS sd FROM s, r)
       SELECT c.course_id::VARCHAR AS course_id, c.day, c.n, st.s, st.mean, st.sd,
         st.mean + ${SPIKE_SDS} * st.sd AS threshold,
         (c.n >= ${SPIKE_MIN} AND c.n > st.mean + ${SPIKE_SDS} * st.sd) AS spike,
         r.first_day, r.last_day, r.d
       FROM c JOIN st USING (course_id), r`,
};

const queries = Object.fromEntries(Object.entries(SQL).map(([q, sql]) => [q, () => conn.query(sql)]));

const num = (v) => (v === null || v === undefined ? null : Number(v));
const rows = (table) => table.toArray().map((r) => r.toJSON());

const byKeys = (...keys) => (a, b) => {
  for (const k of keys) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
};

function answer(q, table) {
  const rs = rows(table);
  if (q === 'q1' || q === 'q2')
    rs.forEach((r) => { r.ci = CATEGORIES.indexOf(r.category); r.pi = PRIORITIES.indexOf(r.priority); r.ti = TIERS.indexOf(r.tier); });
  if (q === 'q1') rs.sort(byKeys('ci'));
  if (q === 'q2') rs.sort(byKeys('pi', 'ti'));
  if (q === 'q4') rs.sort(byKeys('agent_id'));
  if (q === 'q5') rs.sort(byKeys('course_id', 'day'));
  if (q === 'q1')
    return rs.map((r) => ({ category: r.category, count: num(r.count), resolved: num(r.resolved),
                            resolution_rate: num(r.rate), mean_resolve_s: finiteOrNull(num(r.mean)),
                            p90_resolve_s: finiteOrNull(num(r.p90)) }));
  if (q === 'q2')
    return rs.map((r) => ({ priority: r.priority, tier: r.tier, n: num(r.n), breaches: num(r.breaches),
                            breach_rate: num(r.rate) }));
  if (q === 'q3') {
    const counts = CATEGORIES.map(() => CHANNELS.map(() => 0));
    for (const r of rs) counts[CATEGORIES.indexOf(r.category)][CHANNELS.indexOf(r.channel)] = num(r.n);
    return { categories: CATEGORIES, channels: CHANNELS, counts };
  }
  if (q === 'q4')
    return rs.map((r) => ({ agent_id: r.agent_id, tickets: num(r.tickets), csat_n: num(r.csat_n),
                            csat_mean: finiteOrNull(num(r.mean)), csat_sd: finiteOrNull(num(r.sd)),
                            pairs: num(r.pairs), r_resolve_csat: num(r.pairs) >= 2 ? finiteOrNull(num(r.r)) : null }));
  if (rs.length === 0) return { first_day: null, last_day: null, days: 0, courses: [], spikes: [] };
  const courses = [], spikes = [];
  for (const r of rs) {
    let c = courses[courses.length - 1];
    if (!c || c.course_id !== r.course_id) {
      c = { course_id: r.course_id, tickets: num(r.s), mean: num(r.mean), sd: finiteOrNull(num(r.sd)), counts: [] };
      courses.push(c);
    }
    c.counts.push([dayLabel(r.day), num(r.n)]);
    if (r.spike)
      spikes.push({ course_id: r.course_id, day: dayLabel(r.day), n: num(r.n), mean: num(r.mean), sd: num(r.sd),
                    threshold: num(r.threshold) });
  }
  return { first_day: dayLabel(rs[0].first_day), last_day: dayLabel(rs[0].last_day), days: num(rs[0].d), courses,
           spikes };
}

// The WASM memory of DuckDB's module (its heap), where the bindings expose it.
function wasmHeapMb() {
  const mod = db._instance ?? db.mod ?? null;
  const buf = mod?.HEAPU8?.buffer ?? mod?.wasmMemory?.buffer;
  return buf ? Math.round((buf.byteLength / 1048576) * 1000) / 1000 : null;
}

await runEngine({
  engine: 'duckdb-wasm',
  load,
  queries,
  answer: (q, table) => answer(q, table),
  tickets: (t) => t.n,
  extra: () => ({ wasm_heap_mb: wasmHeapMb(), duckdb: db.getVersion() }),
});
