import { describe, expect, it } from 'vitest';
import { completeLocally } from '@pairwise/complete';
import { createLocalCompletionClient, type FollowedModel, type WorkerLike } from './localClient';
import type { CompletionWorkerAnswer, CompletionWorkerRequest } from './worker/messages';
import { createWorkerCore } from './worker/workerCore';

/** The real worker logic in place of a Worker; messages are handled when the test says. */
function fakeWorker() {
  const inbox: CompletionWorkerRequest[] = [];
  let listener: ((event: MessageEvent<CompletionWorkerAnswer>) => void) | null = null;
  let terminated = false;
  const core = createWorkerCore((data) => listener?.({ data } as MessageEvent<CompletionWorkerAnswer>), {
    get: () => null,
    load: async (language) => ({ language, bytes: 0, ms: 0, ok: false }),
  });
  const worker: WorkerLike = {
    postMessage: (message) => inbox.push(message),
    addEventListener: (_type, l) => {
      listener = l;
    },
    terminate: () => {
      terminated = true;
    },
  };
  const deliver = () => {
    for (const message of inbox.splice(0)) core(message);
  };
  return { worker, inbox, deliver, terminated: () => terminated };
}

/** A text model with Monaco's change events: `type` inserts at an offset. */
function textModel(initial: string) {
  let text = initial;
  let version = 1;
  const listeners = new Set<Parameters<FollowedModel['onDidChangeContent']>[0]>();
  const model: FollowedModel & { type(offset: number, typed: string): void; text(): string } = {
    getValue: () => text,
    getVersionId: () => version,
    onDidChangeContent(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    type(offset, typed) {
      text = text.slice(0, offset) + typed + text.slice(offset);
      version++;
      for (const l of listeners) l({ versionId: version, changes: [{ rangeOffset: offset, rangeLength: 0, text: typed }] });
    },
    text: () => text,
  };
  return model;
}

const ask = (model: FollowedModel, cursorPosition: number) => ({ model, cursorPosition, language: 'python' as const, roomId: 'room' });

describe('createLocalCompletionClient', () => {
  it("answers with the engine's suggestion and items", async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const outcome = client.complete(ask(textModel('pri'), 3));
    fake.deliver();
    const answer = await outcome;
    expect(answer.kind).toBe('ok');
    if (answer.kind === 'ok') {
      expect(answer.suggestion).toBe('nt(');
      expect(answer.items[0]).toMatchObject({ source: 'local' });
    }
  });

  it('sends the text once, then only the changes, and answers as the engine does on the whole text', async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const model = textModel('def area(width, height):\n    return width * height\n\n');
    client.follow(model);
    const first = client.complete(ask(model, model.text().length));
    fake.deliver();
    await first;
    for (const ch of 'print(ar') model.type(model.text().length, ch);
    const typed = client.complete(ask(model, model.text().length));
    expect(fake.inbox.map((m) => m.type)).toEqual([...Array(8).fill('edit'), 'complete']);
    fake.deliver();
    const answer = await typed;
    const expected = completeLocally({ code: model.text(), cursorPosition: model.text().length, language: 'python' });
    expect(answer).toEqual({ kind: 'ok', suggestion: expected.suggestion, items: expected.allSuggestions });
    expect(expected.suggestion).toBe('ea(');
  });

  it('a newer request on the same channel makes the older one stale; other channels are untouched', async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const model = textModel('pri');
    const first = client.complete(ask(model, 3), { channel: 'inline' });
    const list = client.complete(ask(model, 3), { channel: 'list' });
    const second = client.complete(ask(model, 3), { channel: 'inline' });
    fake.deliver();
    expect((await first).kind).toBe('stale');
    expect((await list).kind).toBe('ok');
    expect((await second).kind).toBe('ok');
  });

  it('abort, cancel and dispose settle what is in flight as stale; dispose ends the worker', async () => {
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => fake.worker);
    const model = textModel('pri');
    const controller = new AbortController();
    const aborted = client.complete(ask(model, 3), { signal: controller.signal });
    controller.abort();
    expect((await aborted).kind).toBe('stale');

    const cancelled = client.complete(ask(model, 3));
    client.cancel();
    expect((await cancelled).kind).toBe('stale');

    const disposed = client.complete(ask(model, 3));
    client.dispose();
    expect((await disposed).kind).toBe('stale');
    expect(fake.terminated()).toBe(true);
    expect((await client.complete(ask(model, 3))).kind).toBe('stale');
  });

  it('starts the worker only when first needed, and tells it the language to prepare', () => {
    let started = 0;
    const fake = fakeWorker();
    const client = createLocalCompletionClient(() => {
      started++;
      return fake.worker;
    });
    client.follow(textModel('x'));
    expect(started).toBe(0);
    client.prepare('java');
    void client.complete(ask(textModel('pri'), 3));
    expect(started).toBe(1);
    expect(fake.inbox[0]).toEqual({ type: 'prepare', language: 'java' });
  });
});
