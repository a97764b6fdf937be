import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** The development tokens the server printed, by caller name (`alice`, `admin`, ...). */
  tokens(): Record<string, string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `npm start`'s entry (scripts/start.ts under tsx) and waits for the line naming its URL. */
export async function startMain(env: Record<string, string>, timeoutMs = 60_000): Promise<Started> {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const check = () => {
      const m = /GraphiQL at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code}:\n${out}`), { code, output: out }));
    });
  });
  return {
    child,
    url,
    output: () => out,
    tokens: () =>
      Object.fromEntries(
        [...out.matchAll(/^ {2}(\w+): Authorization: Bearer (\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
      ),
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs scripts/start.ts to its exit (for configurations that must fail) and returns code and output. */
export function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return startMain(env, 60_000).then(
    async (s) => ({ code: await s.stop(), output: s.output() }),
    (error: { code?: number | null; output?: string }) => ({
      code: error.code ?? null,
      output: error.output ?? String(error),
    }),
  );
}
