import { describe, expect, it } from 'vitest';
import { completeLocally } from '@pairwise/complete';
import { createLocalCompletionClient, type WorkerLike } from './localClient';
import type { CompletionWorkerAnswer, CompletionWorkerRequest } from './worker/messages';

/** A worker that answers with the real engine when told to, so tests control the order of answers. */
function fakeWorker() {
  const inbox: CompletionWorkerRequest[] = [];
  let listener: ((event: MessageEvent<CompletionWorkerAnswer>) => void) | null = null;
  let terminated = false;
  const worker: WorkerLike = {
    postMessage: (message) => inbox.push(message),
    addEventListener: (_type, l) => {
      listener = l;
    },
    terminate: () => {
      terminated = true;
    },
  };
  const answer = (message: CompletionWorkerRequest) => {
    if (message.type !== 'complete') return;
    const data: CompletionWorkerAnswer = { type: 'answer', id: message.id, response: completeLocally(message.request), engineMs: 0 };
    listener?.({ data } as MessageEvent<CompletionWorkerAnswer>);
  };
  return { worker, inbox, answer, terminated: () => terminated };
}

const body = { code: 'pri', cursorPosition: 3, language: 'python' as const };

describe('createLocalCompletionClient', () => {
  it("answers with the engine's suggestion and items", async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const outcome = client.complete(body);
    fake.answer(fake.inbox[0]!);
    const answer = await outcome;
    expect(answer.kind).toBe('ok');
    if (answer.kind === 'ok') {
      expect(answer.suggestion).toBe('nt(');
      expect(answer.items[0]).toMatchObject({ source: 'local' });
    }
  });

  it('a newer request on the same channel makes the older one stale; other channels are untouched', async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const first = client.complete(body, { channel: 'inline' });
    const list = client.complete(body, { channel: 'list' });
    const second = client.complete(body, { channel: 'inline' });
    for (const message of fake.inbox) fake.answer(message);
    expect((await first).kind).toBe('stale');
    expect((await list).kind).toBe('ok');
    expect((await second).kind).toBe('ok');
  });

  it('abort, cancel and dispose settle what is in flight as stale; dispose ends the worker', async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const controller = new AbortController();
    const aborted = client.complete(body, { signal: controller.signal });
    controller.abort();
    expect((await aborted).kind).toBe('stale');

    const cancelled = client.complete(body);
    client.cancel();
    expect((await cancelled).kind).toBe('stale');

    const disposed = client.complete(body);
    client.dispose();
    expect((await disposed).kind).toBe('stale');
    expect(fake.terminated()).toBe(true);
    expect((await client.complete(body)).kind).toBe('stale');
  });

  it('starts the worker only when first needed, and tells it the language to prepare', () => {
    let started = 0;
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => {
      started++;
      return fake.worker;
    });
    expect(started).toBe(0);
    client.prepare('java');
    void client.complete(body);
    expect(started).toBe(1);
    expect(fake.inbox[0]).toEqual({ type: 'prepare', language: 'java' });
  });
});
