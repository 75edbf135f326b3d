// Summarizes V8 CPU profiles (node --cpu-prof) of the serving benchmark's API process: self time by
// function and by package or source folder, so a profile can be quoted in docs/BENCHMARKS.md.
// Usage: node dist-x/bench/features-serving-profile.js DIR_OR_FILE [--top 25]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame's code comes from: an npm package, a source folder of ours, node itself or V8. */
function origin(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node internals';
  const src = url.indexOf('/src/');
  if (src >= 0) return path.dirname(url.slice(src + 1));
  return url;
}

function files(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(target, name));
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  const top = Number(values.top);
  for (const file of positionals.flatMap(files)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    // Self time per node from the sample stream (hitCount × interval is coarser).
    const selfMs = new Map<number, number>();
    (profile.samples ?? []).forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas?.[index] ?? 0) / 1000));
    const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);
    const byFunction = new Map<string, number>();
    const byOrigin = new Map<string, number>();
    for (const [id, ms] of selfMs) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) continue;
      const where = origin(frame.url, frame.functionName);
      const name = `${frame.functionName || '(anonymous)'} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ''} [${where}]`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
      byOrigin.set(where, (byOrigin.get(where) ?? 0) + ms);
    }
    const rows = (map: Map<string, number>) =>
      [...map]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / total) * 1000) / 10 }));
    console.log(JSON.stringify({ file, totalMs: Math.round(total), byOrigin: rows(byOrigin), byFunction: rows(byFunction) }, null, 1));
  }
}

main();
