import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { CassandraSegmentRepository } from './cassandra/cassandra-segment-repository';
import { EmbeddedSegmentRepository } from './embedded/embedded-segment-repository';
import type { SegmentRepository } from './segment-repository.port';

/** Where the embedded profile keeps segment definitions: beside the online store, under C360_HOME. */
export function segmentsDir(config: AppConfig): string {
  return path.join(config.home, 'segments');
}

/** The segment repository the configuration selects: it lives where the online store does. */
export async function openSegmentRepository(config: AppConfig): Promise<SegmentRepository> {
  switch (config.adapters.store) {
    case 'embedded':
      return EmbeddedSegmentRepository.open(segmentsDir(config));
    case 'cassandra':
      return CassandraSegmentRepository.connect(config.cassandra);
  }
}
