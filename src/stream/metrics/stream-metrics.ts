import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CollectorMetrics } from '../collector/collector-metrics';
import type { ConsumerMetrics } from '../consumer/consumer-metrics';
import type { LagProbe } from './lag-probe.port';

/**
 * The stream's Prometheus metrics, in a registry of their own (not prom-client's global one), so
 * several apps in one test process never share counters. Lag is read from the bus when scraped.
 */
export class StreamMetrics implements CollectorMetrics, ConsumerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'c360_collector_requests_total', help: 'Collector requests by HTTP status', labelNames: ['status'], registers: [this.registry] });
  private readonly acceptedEvents = new Counter({ name: 'c360_collector_events_accepted_total', help: 'Events stored and published, by write-key source', labelNames: ['source'], registers: [this.registry] });
  private readonly deadLetters = new Counter({ name: 'c360_stream_dead_letters_total', help: 'Events dead-lettered, by stage and reason', labelNames: ['stage', 'reason'], registers: [this.registry] });
  private readonly appliedEvents = new Counter({ name: 'c360_stream_events_applied_total', help: 'Events applied to real-time features, by topic', labelNames: ['topic'], registers: [this.registry] });
  private readonly batches = new Histogram({
    name: 'c360_stream_batch_seconds',
    help: 'Time to apply one delivered batch',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly effectLatency = new Histogram({
    name: 'c360_stream_effect_latency_seconds',
    help: "From an event's acceptance (receivedAt) to its effect stored in the online store",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly lag = new Gauge({
    name: 'c360_stream_consumer_lag',
    help: "How far the feature consumers' committed positions trail each partition's end (unit: messages on Kafka, bytes on the embedded bus)",
    labelNames: ['topic', 'partition', 'unit'],
    registers: [this.registry],
    collect: () => this.collectLag(),
  });
  private probe: LagProbe | undefined;

  /** Starts reporting consumer lag (the consumers run in this process, or are watched from it). */
  watchLag(probe: LagProbe): void {
    this.probe = probe;
  }

  request(status: number): void {
    this.requests.inc({ status: String(status) });
  }

  accepted(source: string, count: number): void {
    if (count > 0) this.acceptedEvents.inc({ source }, count);
  }

  rejected(reason: string, count: number): void {
    this.deadLetters.inc({ stage: 'collector', reason }, count);
  }

  applied(topic: string, count: number): void {
    this.appliedEvents.inc({ topic }, count);
  }

  deadLettered(reason: string, count: number): void {
    this.deadLetters.inc({ stage: 'consumer', reason }, count);
  }

  batchSeconds(seconds: number): void {
    this.batches.observe(seconds);
  }

  effectLatencySeconds(seconds: number): void {
    this.effectLatency.observe(seconds);
  }

  private async collectLag(): Promise<void> {
    this.lag.reset();
    const probe = this.probe;
    if (!probe) return;
    for (const { topic, partition, lag } of await probe.lag()) this.lag.set({ topic, partition: String(partition), unit: probe.unit }, lag);
  }

  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
