import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ControlEvent, RoomAlreadyJoinedError, type RoomBus, type RoomBusHandlers } from './room-bus.js';

/** Several instances on one shared medium (a LocalBusNetwork, one Redis). */
export interface BusCluster {
  instance(): RoomBus;
  /** Makes `bus` stop reading (a partition, a long pause) until `resume`. */
  stall(bus: RoomBus): Promise<void>;
  resume(bus: RoomBus): Promise<void>;
  /** Appends that certainly trim a stalled reader's position out of the log. */
  appendsPastWindow: number;
  cleanup(): Promise<void>;
}

/** Everything one joined room heard, in arrival order. */
export interface Heard {
  handlers: RoomBusHandlers;
  log: string[];
  updates: number[];
  gaps: number;
}

export function hear(): Heard {
  const heard: Heard = {
    log: [],
    updates: [],
    gaps: 0,
    handlers: {
      update: (update, origin) => {
        heard.updates.push(decode(update));
        heard.log.push(`u${decode(update)}@${origin}`);
      },
      awareness: (update, origin) => heard.log.push(`a${decode(update)}@${origin}`),
      control: (event, origin) => heard.log.push(`${event.type}@${origin}`),
      gap: () => {
        heard.gaps++;
        heard.log.push('gap');
      },
    },
  };
  return heard;
}

/** Updates are numbers so order and loss are easy to see. */
export const encode = (n: number): Uint8Array => new TextEncoder().encode(String(n));
const decode = (bytes: Uint8Array): number => Number(new TextDecoder().decode(bytes));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** The behaviour every RoomBus implementation must show. `open` gives each test a fresh cluster. */
export function describeRoomBusContract(name: string, open: () => Promise<BusCluster>): void {
  describe(`${name} (RoomBus contract)`, () => {
    let cluster: BusCluster;
    let buses: RoomBus[];
    const instance = () => {
      const bus = cluster.instance();
      buses.push(bus);
      return bus;
    };

    beforeEach(async () => {
      cluster = await open();
      buses = [];
    });
    afterEach(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await cluster.cleanup();
    });

    it('delivers updates and control events to the other instances in publish order, never back to the publisher', async () => {
      const [a, b, c] = [instance(), instance(), instance()];
      const [heardA, heardB, heardC] = [hear(), hear(), hear()];
      const subA = await a.join('room', heardA.handlers);
      await b.join('room', heardB.handlers);
      await c.join('room', heardC.handlers);
      const vector: ControlEvent = { type: 'state-vector', incarnation: 'i1', vector: 'AQID' };
      const deleted: ControlEvent = { type: 'room-deleted', incarnation: 'i1' };
      await Promise.all([
        ...range(300).map((n) => subA.publishUpdate(encode(n))),
        subA.publishControl(vector),
        subA.publishControl(deleted),
        subA.publishUpdate(encode(301)),
      ]);
      const expected = [
        ...range(300).map((n) => `u${n}@${a.instanceId}`),
        `state-vector@${a.instanceId}`,
        `room-deleted@${a.instanceId}`,
        `u301@${a.instanceId}`,
      ];
      await vi.waitFor(() => expect(heardB.log).toEqual(expected), { timeout: 5_000 });
      await vi.waitFor(() => expect(heardC.log).toEqual(expected), { timeout: 5_000 });
      expect(heardA.log).toEqual([]);
    });

    it('carries a chat message intact, text and author included', async () => {
      const [a, b] = [instance(), instance()];
      const received: ControlEvent[] = [];
      const subA = await a.join('room', hear().handlers);
      await b.join('room', { ...hear().handlers, control: (event) => received.push(event) });
      const chat: ControlEvent = {
        type: 'chat',
        message: {
          id: 'm1',
          seq: 7,
          at: '2026-12-01T13:00:00.000Z',
          author: { id: 'guest:g1', name: 'Zoë 🙂', color: '#0891b2' },
          text: 'try `Map`\n```ts\nconst m = new Map();\n```',
        },
      };
      await subA.publishControl(chat);
      await vi.waitFor(() => expect(received).toEqual([chat]), { timeout: 5_000 });
    });

    it('carries a run message intact, output text and who ran it included', async () => {
      const [a, b] = [instance(), instance()];
      const received: ControlEvent[] = [];
      const subA = await a.join('room', hear().handlers);
      await b.join('room', { ...hear().handlers, control: (event) => received.push(event) });
      const run = {
        id: '11111111-1111-4111-8111-111111111111',
        language: 'python',
        startedBy: { id: 'guest:g1', name: 'Zoë 🙂', color: '#0891b2' },
        startedAt: '2026-12-01T13:00:00.000Z',
        finishedAt: null,
        status: 'running' as const,
        exitCode: null,
        durationMs: null,
        outputBytes: 0,
        truncated: false,
      };
      const events: ControlEvent[] = [
        { type: 'run', message: { type: 'started', run } },
        { type: 'run', message: { type: 'output', runId: run.id, stream: 'stderr', text: '\u001b[31mTraceback\u001b[0m ✗\n' } },
        { type: 'run', message: { type: 'stop-requested', runId: run.id, by: run.startedBy } },
      ];
      for (const event of events) await subA.publishControl(event);
      await vi.waitFor(() => expect(received).toEqual(events), { timeout: 5_000 });
    });

    it('delivers awareness to the other instances but not to the publisher', async () => {
      const [a, b] = [instance(), instance()];
      const [heardA, heardB] = [hear(), hear()];
      const subA = await a.join('room', heardA.handlers);
      await b.join('room', heardB.handlers);
      await subA.publishAwareness(encode(7));
      await vi.waitFor(() => expect(heardB.log).toEqual([`a7@${a.instanceId}`]), { timeout: 5_000 });
      expect(heardA.log).toEqual([]);
    });

    it('keeps rooms apart', async () => {
      const [a, b] = [instance(), instance()];
      const [heardOne, heardTwo] = [hear(), hear()];
      const subA1 = await a.join('one', hear().handlers);
      await a.join('two', hear().handlers);
      await b.join('one', heardOne.handlers);
      await b.join('two', heardTwo.handlers);
      await subA1.publishUpdate(encode(1));
      await subA1.publishAwareness(encode(2));
      await vi.waitFor(() => expect(heardOne.log).toEqual([`u1@${a.instanceId}`, `a2@${a.instanceId}`]), { timeout: 5_000 });
      expect(heardTwo.log).toEqual([]);
    });

    it('stops delivery on leave, refuses publishing after it, and delivers only new messages after a rejoin', async () => {
      const [a, b] = [instance(), instance()];
      const heardB = hear();
      const subA = await a.join('room', hear().handlers);
      const subB = await b.join('room', heardB.handlers);
      await subA.publishUpdate(encode(1));
      await vi.waitFor(() => expect(heardB.updates).toEqual([1]), { timeout: 5_000 });
      await subB.leave();
      await subA.publishUpdate(encode(2));
      await subA.publishAwareness(encode(3));
      await expect(subB.publishUpdate(encode(9))).rejects.toThrow(/closed/);
      const heardAgain = hear();
      await b.join('room', heardAgain.handlers);
      await subA.publishUpdate(encode(4));
      await vi.waitFor(() => expect(heardAgain.updates).toEqual([4]), { timeout: 5_000 });
      expect(heardB.log).toEqual([`u1@${a.instanceId}`]);
      expect(heardAgain.gaps).toBe(0);
    });

    it('answers a ping while open and refuses it once closed', async () => {
      const bus = instance();
      await expect(bus.ping()).resolves.toBeUndefined();
      await bus.close();
      await expect(bus.ping()).rejects.toThrow();
    });

    it('refuses a second join of one room by one instance', async () => {
      const a = instance();
      await a.join('room', hear().handlers);
      await expect(a.join('room', hear().handlers)).rejects.toBeInstanceOf(RoomAlreadyJoinedError);
    });

    it('serves many rooms on several instances at once', async () => {
      const rooms = range(150).map((n) => `room-${n}`);
      const members = [instance(), instance(), instance()];
      const heard = new Map<string, Heard>();
      const subscriptions = await Promise.all(
        members.flatMap((bus, i) =>
          rooms.map((room) => {
            const h = hear();
            heard.set(`${i}/${room}`, h);
            return bus.join(room, h.handlers);
          }),
        ),
      );
      await Promise.all(subscriptions.map((sub, k) => sub.publishUpdate(encode(k))));
      const expectedFor = (i: number, r: number) => [0, 1, 2].filter((j) => j !== i).map((j) => j * rooms.length + r);
      await vi.waitFor(
        () => {
          for (const [i] of members.entries())
            for (const [r, room] of rooms.entries())
              expect(heard.get(`${i}/${room}`)?.updates.sort((x, y) => x - y)).toEqual(expectedFor(i, r));
        },
        { timeout: 10_000 },
      );
    });

    it('keeps delivering to other rooms when one room handler throws', async () => {
      const [a, b] = [instance(), instance()];
      const heardTwo = hear();
      const sub1 = await a.join('one', hear().handlers);
      const sub2 = await a.join('two', hear().handlers);
      await b.join('one', {
        ...hear().handlers,
        update: () => {
          throw new Error('handler failed');
        },
      });
      await b.join('two', heardTwo.handlers);
      await sub1.publishUpdate(encode(1));
      await sub2.publishUpdate(encode(2));
      await vi.waitFor(() => expect(heardTwo.updates).toEqual([2]), { timeout: 5_000 });
    });

    it('reports a gap to a reader that fell behind the trimmed log, then delivers what is left', async () => {
      const [a, b] = [instance(), instance()];
      const heardB = hear();
      const subA = await a.join('room', hear().handlers);
      await b.join('room', heardB.handlers);
      await subA.publishUpdate(encode(1));
      await vi.waitFor(() => expect(heardB.updates).toEqual([1]), { timeout: 5_000 });
      await cluster.stall(b);
      const last = 1 + cluster.appendsPastWindow;
      for (let n = 2; n <= last; n += 100)
        await Promise.all(range(Math.min(100, last - n + 1)).map((i) => subA.publishUpdate(encode(n + i - 1))));
      await cluster.resume(b);
      await vi.waitFor(() => expect(heardB.updates.at(-1)).toBe(last), { timeout: 10_000 });
      expect(heardB.gaps).toBe(1);
      expect(heardB.updates.length).toBeLessThan(last);
      const afterGap = heardB.updates.slice(heardB.log.slice(0, heardB.log.indexOf('gap')).length);
      expect(afterGap).toEqual(range(afterGap.length).map((i) => last - afterGap.length + i));
    });

    it('reports no gap to a reader that keeps up', async () => {
      const [a, b] = [instance(), instance()];
      const heardB = hear();
      const subA = await a.join('room', hear().handlers);
      await b.join('room', heardB.handlers);
      for (const n of range(50)) await subA.publishUpdate(encode(n));
      await vi.waitFor(() => expect(heardB.updates).toEqual(range(50)), { timeout: 5_000 });
      expect(heardB.gaps).toBe(0);
    });
  });
}
