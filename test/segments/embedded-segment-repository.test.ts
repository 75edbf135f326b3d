import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedSegmentRepository } from '../../src/segments/embedded/embedded-segment-repository';
import type { SegmentRepository } from '../../src/segments/segment-repository.port';
import { describeSegmentRepositoryContract } from './segment-repository.contract';

describeSegmentRepositoryContract('embedded (LMDB)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'c360-segment-repo-'));
  const opened: SegmentRepository[] = [];
  const reopen = async () => {
    const repository = await EmbeddedSegmentRepository.open(dir);
    opened.push(repository);
    return repository;
  };
  return {
    repository: await reopen(),
    reopen,
    async cleanup() {
      await Promise.all(opened.map((repository) => repository.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
});
