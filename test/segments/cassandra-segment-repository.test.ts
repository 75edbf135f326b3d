import { after, describe } from 'node:test';
import { CassandraSegmentRepository } from '../../src/segments/cassandra/cassandra-segment-repository';
import type { SegmentRepository } from '../../src/segments/segment-repository.port';
import { requireService } from '../support/services';
import { dropKeyspaces, testCassandraConfig } from '../store/support/cassandra-test-keyspace';
import { describeSegmentRepositoryContract } from './segment-repository.contract';

describe('cassandra segment repository', async () => {
  describe('against the real server', await requireService('cassandra'), () => {
    // One keyspace for the run; the contract keeps tests apart with unique segment ids and names.
    const config = testCassandraConfig('segments');
    after(() => dropKeyspaces(config, [config.keyspace]));

    describeSegmentRepositoryContract('cassandra', async () => {
      const opened: SegmentRepository[] = [];
      const reopen = async () => {
        const repository = await CassandraSegmentRepository.connect(config);
        opened.push(repository);
        return repository;
      };
      const repository = await reopen();
      return { repository, reopen, cleanup: async () => void (await Promise.all(opened.map((each) => each.close()))) };
    });
  });
});
