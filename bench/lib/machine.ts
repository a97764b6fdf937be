import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly memoryGb: number;
  readonly date: string;
  /** The 1-minute load average when the result was written: above the core count, other work shared the CPUs. */
  readonly load1: number;
}

/** The machine a result was taken on: CPU model from /proc/cpuinfo, cores, Node version. */
export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1]!.trim();
  } catch {}
  return {
    cpu,
    cores: cpus().length,
    node: process.version,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    load1: Math.round(loadavg()[0]! * 10) / 10,
  };
}

export const describeMachine = (m: Machine): string =>
  `${m.cores} cores, ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}, ${m.date.slice(0, 16).replace('T', ' ')} UTC, load average ${m.load1}`;
