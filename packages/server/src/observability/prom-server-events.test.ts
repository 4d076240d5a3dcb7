import { describe, expect, it } from 'vitest';
import { parseExposition, seriesValue } from './exposition.testkit.js';
import { PromServerEvents } from './prom-server-events.js';

async function scrape(events: PromServerEvents): Promise<Map<string, number>> {
  return parseExposition(await events.metrics());
}

describe('PromServerEvents', () => {
  it('defines every metric before anything happens, with the default process metrics', async () => {
    const series = await scrape(new PromServerEvents());
    for (const name of [
      'pairwise_connections',
      'pairwise_rooms_loaded',
      'pairwise_updates_total',
      'pairwise_update_bytes_total',
      'pairwise_store_queue_updates',
      'pairwise_fanout_seconds_count',
      'pairwise_store_commit_seconds_count',
      'pairwise_redis_publish_seconds_count',
    ]) {
      expect(seriesValue(series, name), name).toBe(0);
    }
    expect(series.has('process_cpu_user_seconds_total')).toBe(true);
    expect(series.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('turns each event into its metric', async () => {
    const events = new PromServerEvents();
    events.connectionOpened();
    events.connectionOpened();
    events.connectionClosed();
    events.roomLoaded();
    events.updateApplied(10);
    events.updateApplied(32);
    events.messageReceived('syncStep1');
    events.messageReceived('update');
    events.messageReceived('update');
    events.fanout(0.000_3);
    events.storeCommitted(0.004, 5);
    events.storeQueue(7);
    events.protocolError('invalid_message');
    events.limitHit('connection_rate');
    events.limitHit('connection_rate');
    events.redisPublished(0.002);

    const series = await scrape(events);
    expect(seriesValue(series, 'pairwise_connections')).toBe(1);
    expect(seriesValue(series, 'pairwise_rooms_loaded')).toBe(1);
    expect(seriesValue(series, 'pairwise_updates_total')).toBe(2);
    expect(seriesValue(series, 'pairwise_update_bytes_total')).toBe(42);
    expect(seriesValue(series, 'pairwise_messages_total{type="syncStep1"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_messages_total{type="update"}')).toBe(2);
    expect(seriesValue(series, 'pairwise_fanout_seconds_count')).toBe(1);
    expect(seriesValue(series, 'pairwise_fanout_seconds_bucket{le="0.0005"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_fanout_seconds_bucket{le="0.00025"}')).toBe(0);
    expect(seriesValue(series, 'pairwise_store_commit_seconds_sum')).toBeCloseTo(0.004);
    expect(seriesValue(series, 'pairwise_stored_updates_total')).toBe(5);
    expect(seriesValue(series, 'pairwise_store_queue_updates')).toBe(7);
    expect(seriesValue(series, 'pairwise_protocol_errors_total{kind="invalid_message"}')).toBe(1);
    expect(seriesValue(series, 'pairwise_limit_hits_total{limit="connection_rate"}')).toBe(2);
    expect(seriesValue(series, 'pairwise_redis_publish_seconds_count')).toBe(1);
  });

  it('counts what happened between scrapes once: each scrape adds what came since the last', async () => {
    const events = new PromServerEvents();
    events.updateApplied(10);
    events.messageReceived('update');
    events.storeQueue(3);
    const first = await scrape(events);
    expect([seriesValue(first, 'pairwise_updates_total'), seriesValue(first, 'pairwise_store_queue_updates')]).toEqual([1, 3]);
    expect(seriesValue(await scrape(events), 'pairwise_updates_total')).toBe(1);
    events.updateApplied(5);
    events.messageReceived('update');
    events.messageReceived('awareness');
    events.storeQueue(0);
    const third = await scrape(events);
    expect(seriesValue(third, 'pairwise_updates_total')).toBe(2);
    expect(seriesValue(third, 'pairwise_update_bytes_total')).toBe(15);
    expect(seriesValue(third, 'pairwise_messages_total{type="update"}')).toBe(2);
    expect(seriesValue(third, 'pairwise_messages_total{type="awareness"}')).toBe(1);
    expect(seriesValue(third, 'pairwise_store_queue_updates')).toBe(0);
  });

  it('keeps each instance to itself, so several servers can share a process', async () => {
    const first = new PromServerEvents();
    const second = new PromServerEvents();
    first.updateApplied(5);
    expect(seriesValue(await scrape(first), 'pairwise_updates_total')).toBe(1);
    expect(seriesValue(await scrape(second), 'pairwise_updates_total')).toBe(0);
  });

  it('answers in the Prometheus text format', () => {
    expect(new PromServerEvents().contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
