import { describeAccessStoreContract } from './access.contract.js';
import { describeChatStoreContract } from './chat.contract.js';
import { describeRunStoreContract } from './runs.contract.js';
import { describeHistoryStoreContract } from './history.contract.js';
import { describeLastOpenedContract } from './last-opened.contract.js';
import { describeAccountStoreContract } from './accounts.contract.js';
import { MemoryRoomStore } from './memory-store.js';
import { describeRoomStoreContract } from './store.contract.js';

async function openMemoryStore() {
  const store = new MemoryRoomStore();
  return { store, openAnother: null, cleanup: () => store.close() };
}

describeRoomStoreContract('MemoryRoomStore', openMemoryStore);
describeLastOpenedContract('MemoryRoomStore', openMemoryStore);
describeAccountStoreContract('MemoryRoomStore', openMemoryStore);
describeAccessStoreContract('MemoryRoomStore', openMemoryStore);
describeChatStoreContract('MemoryRoomStore', openMemoryStore);
describeRunStoreContract('MemoryRoomStore', openMemoryStore);
describeHistoryStoreContract('MemoryRoomStore', openMemoryStore);
