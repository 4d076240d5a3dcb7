import type { AccessEvents } from './session.js';

/** AccessEvents for a server without open connections to review (tests of the HTTP API alone). */
export const NO_ACCESS_EVENTS: AccessEvents = {
  accessChanged: () => {},
  sessionEnded: () => {},
};
