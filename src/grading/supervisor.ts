/**
 * The small process between the CLI and the process that hosts vitest (and so the learner's
 * code). It never runs learner code, so it stays responsive: it relays messages, measures the
 * host's CPU time per thread (stuck is decided by CPU, not by a wall clock that machine load
 * stretches), and when a run ends it kills every process the run left behind.
 *
 * The learner's `process.kill(process.ppid, …)` reaches this process, never the CLI. Inside a
 * PID namespace (see docs/isolation.md) this process is the namespace's init: such a kill is
 * ignored by the kernel, and when it exits every process in the namespace dies with it.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, SupervisorEvent, SupervisorMessage, WorkerEvent } from './protocol.js';

const HOST = path.join(path.dirname(fileURLToPath(import.meta.url)), 'suite-worker.js');
const heapLimitMb = Number(process.env.BUGBASH_HEAP_LIMIT_MB) || 512;
const send = (event: SupervisorEvent) => process.send?.(event);

const host = fork(HOST, [], {
  stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  serialization: 'advanced',
  // The heap limit applies to vitest's worker threads too: learner code that allocates
  // without bound ends with ERR_WORKER_OUT_OF_MEMORY instead of swapping the machine.
  execArgv: [`--max-old-space-size=${heapLimitMb}`],
});
host.stderr?.pipe(process.stderr);
host.on('message', (event: WorkerEvent) => send(event));
host.on('exit', (code, signal) => {
  send({ type: 'host-exit', code, signal });
  void shutdown();
});

process.on('message', (message: SupervisorMessage) => {
  if (message.type === 'kill') void shutdown();
  else if (host.connected) host.send(message satisfies ParentMessage);
});
// The CLI went away (it was killed, or Ctrl-C): nothing of this run may stay behind.
process.on('disconnect', () => void shutdown());

const CLOCK_TICKS_PER_S = 100;
/** CPU time of every thread of the host, in ms (Linux; elsewhere nothing is sent and the CLI uses wall time). */
function threadCpu(pid: number): Record<string, number> | undefined {
  try {
    const threads: Record<string, number> = {};
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised command name: utime is the 14th field, stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads[tid] = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
    }
    return threads;
  } catch {
    return undefined;
  }
}

const sampler = setInterval(() => {
  if (!host.pid) return;
  const threads = threadCpu(host.pid);
  if (threads) send({ type: 'cpu', threads });
}, 100);

/** Every process descended from this one (by parent pid), deepest first. */
function descendants(): number[] {
  const parents = new Map<number, number>();
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        // The process ended while we looked.
      }
    }
  } catch {
    return [];
  }
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent === pid && child !== process.pid) {
        visit(child);
        found.push(child);
      }
    }
  };
  visit(process.pid);
  return found;
}

let shuttingDown = false;
async function shutdown(): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  clearInterval(sampler);
  // Children the learner's code started, detached or not, still have the host (or, in a PID
  // namespace, this process) as an ancestor: kill them by ancestry.
  for (const pid of descendants()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  // Exiting ends a PID namespace with everything in it; without one, the CLI also kills the
  // process group it started this process in.
  process.exit(0);
}
