import { LocalBusNetwork, LocalRoomBus } from './local-room-bus.js';
import type { RoomBus } from './room-bus.js';
import { describeRoomBusContract } from './room-bus.contract.js';

describeRoomBusContract('LocalRoomBus', async () => {
  const network = new LocalBusNetwork(500);
  return {
    instance: () => new LocalRoomBus({ network }),
    stall: async (bus: RoomBus) => network.stall(bus.instanceId),
    resume: async (bus: RoomBus) => network.resume(bus.instanceId),
    appendsPastWindow: 1_000,
    cleanup: async () => {},
  };
});
