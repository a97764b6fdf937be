// Child processes of the server benches: the engine, the servers; started, awaited and stopped.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BENCH_JWT_SECRET } from './queries.js';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The real server's entry (`npm start`): scripts/start.ts, or src/main.ts in older trees. */
export const SERVER_ENTRY = [join(ROOT, 'scripts', 'start.ts'), join(ROOT, 'src', 'main.ts')].find(
  (p) => existsSync(p),
)!;
/** The demo models module: examples/demo/models.ts, or src/demo/models.ts in older trees. */
export const DEMO_MODELS = [
  join(ROOT, 'examples', 'demo', 'models.ts'),
  join(ROOT, 'src', 'demo', 'models.ts'),
].find((p) => existsSync(p))!;

export interface Child {
  readonly proc: ChildProcess;
  readonly firstLine: string;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script>` and resolves with the first stdout line matching `ready`. */
export function spawnTs(
  script: string,
  env: Record<string, string>,
  ready: RegExp = /./,
  timeoutMs = 60_000,
  nodeArgs: readonly string[] = [],
): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => {
    stderr += d;
  });
  const stop = () =>
    new Promise<void>((ok) => {
      if (proc.exitCode !== null) return ok();
      proc.once('exit', () => ok());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
    });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`${script} not ready in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      lines.removeAllListeners('line');
      proc.stdout!.resume();
      ok({ proc, firstLine: line, stop });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited (${code}) before it was ready\n${stderr}`));
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return Number.NaN;
  }
}

export interface Engine {
  readonly endpoint: string;
  counts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEngine(): Promise<Engine> {
  const child = await spawnTs(join(import.meta.dirname, 'engine-process.ts'), {}, /^\{/);
  const { endpoint, control } = JSON.parse(child.firstLine) as {
    endpoint: string;
    control: string;
  };
  return {
    endpoint,
    counts: async () =>
      (await fetch(`${control}/counts`)).json() as Promise<Record<string, number>>,
    reset: async () => {
      await fetch(`${control}/reset`, { method: 'POST' });
    },
    stop: child.stop,
  };
}

export type ServerKind = 'tablegraph' | 'handwritten' | 'naive';

export interface RunningServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * tablegraph: the real server (`npm start`'s entry) on the engine. handwritten / naive: bench/server/handwritten.ts
 * (graphql-yoga + DocumentClient, with DataLoader or one request per field).
 */
export async function startServer(
  kind: ServerKind,
  engine: Engine,
  table: string,
  names: object = {},
  nodeArgs: readonly string[] = [],
): Promise<RunningServer> {
  const env = {
    DYNAMODB_ENDPOINT: engine.endpoint,
    TABLE_NAME: table,
    PORT: '0',
    HOST: '127.0.0.1',
    TABLEGRAPH_CURSOR_SECRET: 'bench-secret',
    TABLEGRAPH_JWT_SECRET: BENCH_JWT_SECRET,
    BENCH_BATCHING: kind === 'naive' ? '0' : '1',
    BENCH_NAMES: JSON.stringify(names),
    NODE_ENV: 'production',
  };
  const script = kind === 'tablegraph' ? SERVER_ENTRY : join(import.meta.dirname, 'handwritten.ts');
  const child = await spawnTs(script, env, /https?:\/\/\S+\/graphql/, 60_000, nodeArgs);
  let url = child.firstLine.match(/https?:\/\/\S+\/graphql/)![0];
  url = url.replace('localhost', '127.0.0.1');
  return { kind, url, pid: child.proc.pid!, stop: child.stop };
}
