/** Worker for worker-client.test.ts: fails on demand the ways a real worker can. */
import { getPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { RoomExistsError } from './store.js';
import { serveCalls } from './worker-host.js';

await serveCalls(async () => {
  if ((workerData as { failOpen?: boolean } | null)?.failOpen) throw new RangeError('cannot open');
  return {
    methods: {
      echo: (value: unknown) => value,
      /** This thread's nice value (Linux keeps one per thread). */
      niceValue: () => getPriority(0),
      roomExists: () => {
        throw new RoomExistsError('taken');
      },
      exit: () => process.exit(3),
      throwUncaught: () => {
        setTimeout(() => {
          throw new Error('uncaught in worker');
        });
        return new Promise(() => undefined);
      },
    },
    close: () => undefined,
  };
});
