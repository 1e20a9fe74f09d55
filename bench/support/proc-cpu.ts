// Benchmark support: the CPU a process has used so far, read from Linux's /proc/<pid>/stat.
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100; // Linux USER_HZ

/** CPU seconds (user + system) process `pid` has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  return statCpu(`/proc/${pid}/stat`);
}

/** CPU seconds (user + system) in a /proc stat file (0 when it is gone). */
function statCpu(path: string): number {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return 0;
  }
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/**
 * CPU seconds of process `pid` split by thread: the JS (main) thread, Node's other threads (named
 * `node`: V8's GC and compiler helpers and the libuv pool, on which chDB's async calls run too)
 * and ClickHouse's own named pools (embedded chDB: merges, background schedules, query
 * pipelines). Threads gone since are counted from the process total into `node`.
 */
export function threadCpuSeconds(pid = process.pid): { js: number; node: number; chdb: number; total: number } {
  const total = cpuSeconds(pid);
  let js = 0;
  let chdb = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { js, node: total, chdb, total };
  }
  for (const tid of tids) {
    const s = statCpu(`/proc/${pid}/task/${tid}/stat`);
    if (Number(tid) === pid) {
      js += s;
      continue;
    }
    let comm = 'node';
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      // gone while listed
    }
    if (comm !== 'node') chdb += s;
  }
  return { js, node: Math.max(0, total - js - chdb), chdb, total };
}
