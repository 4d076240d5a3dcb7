import { MemoryRoomStore } from './memory-store.js';
import { describeRoomStoreContract } from './store.contract.js';

describeRoomStoreContract('MemoryRoomStore', async () => {
  const store = new MemoryRoomStore();
  return { store, cleanup: () => store.close() };
});
