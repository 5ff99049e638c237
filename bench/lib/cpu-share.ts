// How much of the server's CPU went to processes other than the server during a run. The machine
// is shared (other engineers' tests, the type checker), and a run where someone else took a third
// of the server's core measures them, not us. Linux only: elsewhere every figure is undefined.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Cumulative tick counters, read before and after a run. */
export interface CpuSample {
  /** All ticks of the CPU, idle included. */
  cpuTotal: number;
  /** Ticks the CPU spent running user or kernel code of any process (not irq, not idle). */
  cpuProcessBusy: number;
  /** Ticks the measured process (all its threads) spent on any CPU. */
  processTicks: number;
}

/**
 * Reads the `cpuN` line of /proc/stat: total ticks and ticks spent in process context
 * (user + nice + system). Interrupt time is left out: loopback traffic is largely softirq work
 * that no process is charged for.
 *
 * @example
 * parseProcStatCpu("cpu0 100 0 50 800 0 0 10 0 0 0", 0); // { total: 960, processBusy: 150 }
 */
export function parseProcStatCpu(procStat: string, cpu: number): { total: number; processBusy: number } | undefined {
  const line = procStat.split("\n").find((candidate) => candidate.startsWith(`cpu${cpu} `));
  if (!line) return undefined;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 8 || fields.some((value) => !Number.isFinite(value) || value < 0)) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields as [
    number, number, number, number, number, number, number, number,
  ];
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, processBusy: user + nice + system };
}

/**
 * utime + stime from /proc/<pid>/stat. The command name may hold spaces and parentheses, so
 * fields are counted from the last `)`.
 *
 * @example
 * parsePidStatTicks("42 (node) S 1 42 42 0 -1 0 0 0 0 0 700 300 0 0"); // 1000
 */
export function parsePidStatTicks(pidStat: string): number | undefined {
  const end = pidStat.lastIndexOf(")");
  if (end < 0) return undefined;
  // After ")": state is field 3; utime and stime are fields 14 and 15.
  const fields = pidStat.slice(end + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields.length < 13 || !Number.isInteger(utime) || !Number.isInteger(stime) || utime < 0 || stime < 0) {
    return undefined;
  }
  return utime + stime;
}

/** Reads the counters for `cpu` and `pid`, or undefined where /proc is not there. */
export function sampleCpu(cpu: number, pid: number): CpuSample | undefined {
  try {
    const cpuFigures = parseProcStatCpu(readFileSync("/proc/stat", "utf8"), cpu);
    const processTicks = parsePidStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
    if (!cpuFigures || processTicks === undefined) return undefined;
    return { cpuTotal: cpuFigures.total, cpuProcessBusy: cpuFigures.processBusy, processTicks };
  } catch {
    return undefined;
  }
}

/**
 * Fraction (0..1) of the CPU's time between two samples spent on processes other than the
 * measured one. Assumes the measured process is pinned to that CPU, so all its ticks were there.
 *
 * @example
 * otherProcessesShare(before, after); // 0.31: someone else had almost a third of the core
 */
export function otherProcessesShare(before: CpuSample | undefined, after: CpuSample | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.cpuTotal - before.cpuTotal;
  if (total <= 0) return undefined;
  const others = after.cpuProcessBusy - before.cpuProcessBusy - (after.processTicks - before.processTicks);
  // Tick accounting is sampled, so a busy pinned process can be charged slightly more than the CPU.
  return Math.min(1, Math.max(0, others / total));
}

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc tick counters: `getconf CLK_TCK`, 100 where that cannot be asked. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 2000 }).stdout?.trim());
    ticksPerSecond = Number.isInteger(answer) && answer > 0 ? answer : 100;
  }
  return ticksPerSecond;
}

/**
 * CPU time the measured process spent per completed request, in microseconds. Other processes
 * on the machine lower req/s a lot but this figure little, so it is the steadier one to compare
 * on a shared machine.
 *
 * @example
 * cpuMicrosPerRequest(before, after, 50_000); // 98.4
 */
export function cpuMicrosPerRequest(
  before: CpuSample | undefined,
  after: CpuSample | undefined,
  requests: number | undefined,
): number | undefined {
  if (!before || !after || requests === undefined || requests <= 0) return undefined;
  const ticks = after.processTicks - before.processTicks;
  if (ticks < 0) return undefined;
  return (ticks / clockTicksPerSecond()) * 1e6 / requests;
}
