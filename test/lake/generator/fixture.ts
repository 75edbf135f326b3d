import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../../src/shared/logger.port';
import { type GenerateOptions, type GenerateSummary, generateLake, generateLakeTuned, type GeneratorTuning } from '../../../src/lake/generator/generate-lake';

export interface Generated {
  root: string;
  summary: GenerateSummary;
}

const roots: string[] = [];

export function freshRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'c360-generate-'));
  roots.push(root);
  return root;
}

export async function generate(options: Omit<GenerateOptions, 'root'>, tuning?: GeneratorTuning): Promise<Generated> {
  const root = freshRoot();
  const full = { ...options, root };
  const summary = tuning ? await generateLakeTuned(full, silentLogger, tuning) : await generateLake(full, silentLogger);
  return { root, summary };
}

export function removeGenerated(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}
