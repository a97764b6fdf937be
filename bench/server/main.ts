// GraphQL server throughput: the real server (`npm start`'s entry) against the hand-written yoga + DataLoader +
// DocumentClient server, both on one separate dynalite process with the same data; autocannon at
// 20 connections on loopback, alternating runs of a bounded duration.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { relative } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { describeMachine, machine } from '../lib/machine.js';
import { pick } from '../lib/mode.js';
import { ratio, table, writeResult } from '../lib/report.js';
import { rotate, stats } from '../lib/timing.js';
import { seed, TABLE } from './data.js';
import {
  cpuSeconds,
  ROOT,
  type RunningServer,
  SERVER_ENTRY,
  startEngine,
  startServer,
} from './processes.js';
import { gql, HEADERS, probeNames, throughputOps } from './queries.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? pick(2, 4));
const SECONDS = Number(process.env.BENCH_SECONDS ?? pick(3, 15));
const CONNECTIONS = 20;

const engine = await startEngine();
const servers: RunningServer[] = [];
try {
  const { items } = await seed(engine.endpoint);
  const tablegraph = await startServer('tablegraph', engine, TABLE);
  servers.push(tablegraph);
  const names = await probeNames(tablegraph.url);
  servers.push(await startServer('handwritten', engine, TABLE, names));
  console.log(`server: ${items} items on dynalite; names ${JSON.stringify(names)}`);

  const results = [];
  for (const op of throughputOps(names)) {
    const body = JSON.stringify({ query: op.query, variables: op.variables });
    // Same data, same answer: both servers must return identical data before anything is timed.
    const answers = await Promise.all(servers.map((s) => gql(s.url, op.query, op.variables)));
    for (const [i, a] of answers.entries())
      if (a.errors || !a.data)
        throw new Error(`${servers[i]!.kind} ${op.name}: ${a.text.slice(0, 300)}`);
    const same = JSON.stringify(answers[0]!.data) === JSON.stringify(answers[1]!.data);
    if (!same) console.log(`server: WARNING ${op.name}: the two servers answer different data`);
    const runs = new Map(servers.map((s) => [s.kind, [] as (Result & { seconds: number })[]]));
    // The servers' own CPU time per request (from /proc): steadier than req/s on a shared machine.
    const cpuMs = new Map(servers.map((s) => [s.kind, [] as number[]]));
    // autocannon ends a run of `amount` requests on its next 1 s sampling tick, so its `duration`
    // is rounded up to whole seconds (req/s in steps of amount/n): a run's time is measured here,
    // from the start to the last response.
    const fire = async (s: RunningServer, amount: number) => {
      const start = performance.now();
      let last = start;
      const running = autocannon({
        url: s.url,
        connections: CONNECTIONS,
        amount,
        method: 'POST',
        headers: HEADERS,
        body,
        expectBody: answers[servers.indexOf(s)]!.text,
        timeout: 30,
        // Without a callback autocannon answers its instance (an EventEmitter), awaitable.
      }) as unknown as Promise<Result> & { on(event: 'response', listener: () => void): void };
      running.on('response', () => {
        last = performance.now();
      });
      const result = await running;
      return Object.assign(result, { seconds: (last - start) / 1000 });
    };
    // Warm-up (1 request per connection) also tells the rate; each timed run is then a fixed
    // number of requests worth about SECONDS, and never fewer than 2 per connection (a slow
    // operation on a busy machine still completes enough requests to be measured).
    let rate = Number.POSITIVE_INFINITY;
    for (const s of servers) {
      const w = await fire(s, CONNECTIONS);
      rate = Math.min(rate, w.requests.total / w.seconds);
    }
    const amount = Math.max(2 * CONNECTIONS, Math.round(rate * SECONDS));
    for (let r = 0; r < ROUNDS; r++)
      for (const s of rotate(servers, r)) {
        const cpu0 = cpuSeconds(s.pid);
        const run = await fire(s, amount);
        runs.get(s.kind)!.push(run);
        cpuMs.get(s.kind)!.push(((cpuSeconds(s.pid) - cpu0) * 1000) / run.requests.total);
      }
    const summary = servers.map((s) => {
      const rs = runs.get(s.kind)!;
      return {
        server: s.kind,
        // Completed requests over the run (a per-second average drops the seconds with none).
        reqPerSec: stats(rs.map((x) => x.requests.total / x.seconds)),
        p50: stats(rs.map((x) => x.latency.p50)),
        p99: stats(rs.map((x) => x.latency.p99)),
        errors: rs.reduce((n, x) => n + x.errors + x.timeouts + x.non2xx + x.mismatches, 0),
        requests: rs.reduce((n, x) => n + x.requests.total, 0),
        seconds: rs.reduce((n, x) => n + x.seconds, 0),
        cpuMsPerRequest: stats(cpuMs.get(s.kind)!),
      };
    });
    const [tg, hw] = summary;
    const row = {
      operation: op.name,
      sameData: same,
      servers: summary,
      ratio: tg!.reqPerSec.median / hw!.reqPerSec.median,
      /** Hand-written CPU per request over tablegraph's: >= 1 means tablegraph does no more work. */
      cpuRatio: hw!.cpuMsPerRequest.median / tg!.cpuMsPerRequest.median,
    };
    results.push(row);
    console.log(
      `server: ${op.name}: tablegraph ${tg!.reqPerSec.median.toFixed(0)} req/s (p99 ${tg!.p99.median} ms), hand-written ${hw!.reqPerSec.median.toFixed(0)} req/s (p99 ${hw!.p99.median} ms), ratio ${ratio(row.ratio)}; server CPU per request ${tg!.cpuMsPerRequest.median.toFixed(2)} vs ${hw!.cpuMsPerRequest.median.toFixed(2)} ms (${ratio(row.cpuRatio)})`,
    );
  }
  const m = machine();
  writeResult('server.json', {
    machine: m,
    rounds: ROUNDS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    items,
    results,
  });
  const rows = results.map((r) => {
    const [tg, hw] = r.servers;
    const ms = (s: typeof tg) => `${s!.p50.median} / ${s!.p99.median}`;
    return [
      `\`${r.operation}\``,
      tg!.reqPerSec.median.toFixed(0),
      hw!.reqPerSec.median.toFixed(0),
      ratio(r.ratio),
      ms(tg),
      ms(hw),
      `${tg!.cpuMsPerRequest.median.toFixed(2)} / ${hw!.cpuMsPerRequest.median.toFixed(2)}`,
      ratio(r.cpuRatio),
      `${tg!.errors} / ${hw!.errors}`,
    ];
  });
  writeResult(
    'server.md',
    `GraphQL server throughput (${describeMachine(m)}): the real server (\`${relative(ROOT, SERVER_ENTRY)}\`, as \`npm start\` runs it) vs hand-written yoga + DataLoader + DocumentClient, every request with an admin's bearer token that both servers verify (the demo models have auth rules; the real server also evaluates them), one separate dynalite process (${items} items), autocannon ${CONNECTIONS} connections, ${ROUNDS} alternating runs each (a fixed number of requests worth about ${SECONDS} s, at least ${2 * CONNECTIONS}), medians; req/s from each run's own time to its last response. Server CPU is each server process's own user + system time per request (from /proc): on a shared machine it is the steadier figure. Errors count transport errors, timeouts, non-2xx and any answer that differs from the checked one.\n\n${table(
      [
        'operation',
        'tablegraph req/s',
        'hand-written req/s',
        'ratio',
        'tablegraph p50 / p99 ms',
        'hand-written p50 / p99 ms',
        'server CPU ms per request (tg / hw)',
        'CPU ratio (hw / tg)',
        'errors (tg / hw)',
      ],
      rows,
    )}\n`,
  );
} finally {
  for (const s of servers) await s.stop();
  await engine.stop();
}
