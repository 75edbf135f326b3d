import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// CPU read from /proc, for benches whose work runs in processes process.cpuUsage() does not see: the
// stream bench's services (on a 2-core machine 20,000 events/s leaves 100 µs of CPU per event for the
// load generator, collector, Kafka, consumer and Cassandra together) and the identity bench's children.

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Seconds in two /proc/<pid>/stat fields (1-based, as proc(5) numbers them) of a process; throws once it is gone. */
function statSeconds(pid: number | 'self', first: number, second: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces; field 3 comes first.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[first - 3]) + Number(fields[second - 3])) / TICKS_PER_SECOND;
}

/** CPU seconds (user + system, fields 14 and 15) a process has used so far; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return statSeconds(pid, 14, 15);
  } catch {
    return undefined;
  }
}

/** CPU seconds (fields 16 and 17) of this process's children that have exited and been waited for. */
export function waitedChildrenCpuSeconds(): number {
  return statSeconds('self', 16, 17);
}

/** CPU seconds every process on the machine has used (busy time of all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

/** The pid listening on a TCP port on this machine (a service started by scripts/services or anyone else), if visible. */
export function listenerPid(port: number): number | undefined {
  try {
    const line = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(line);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A start reading of several processes' CPU, and the machine's; `since()` gives the seconds used since. */
export class CpuMeter {
  private readonly start: Map<string, number>;
  private readonly machineStart = machineBusySeconds();

  constructor(private readonly pids: ReadonlyMap<string, number | undefined>) {
    this.start = new Map([...pids].flatMap(([name, pid]) => {
      const seconds = pid === undefined ? undefined : processCpuSeconds(pid);
      return seconds === undefined ? [] : [[name, seconds] as const];
    }));
  }

  /** CPU seconds per named process since the start (processes that were not found are left out), and the machine's. */
  since(): { processes: Record<string, number>; machine: number } {
    const processes: Record<string, number> = {};
    for (const [name, pid] of this.pids) {
      const begin = this.start.get(name);
      const now = pid === undefined ? undefined : processCpuSeconds(pid);
      if (begin !== undefined && now !== undefined) processes[name] = now - begin;
    }
    return { processes, machine: machineBusySeconds() - this.machineStart };
  }
}
