import { deriveAuthKeys, loadAuthSecret } from '../auth/auth-keys.js';
import { AccountService } from '../auth/accounts.js';
import { AttemptLimiter } from '../auth/attempt-limiter.js';
import { GuestIdentities } from '../auth/guest-identity.js';
import { Passwords } from '../auth/passwords.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { type AuthConfig, LOGIN_WINDOW_MS } from '../config.js';
import type { Store } from '../storage/store.js';
import { RoomAccessControl } from './room-access.js';
import { AccessSessionResolver } from './session-resolver.js';

/** Everything that decides who is calling and what they may do, built once per server. */
export interface AccessLayer {
  accounts: AccountService;
  guests: GuestIdentities;
  access: RoomAccessControl;
  /** For the WebSocket endpoint. */
  sessions: AccessSessionResolver;
  attemptsPerAccount: AttemptLimiter;
  attemptsPerIp: AttemptLimiter;
}

/**
 * Reads (or, on the very first start, stores) the signing secret; everything else is derived from
 * it. Needs nothing from the sync engine, so the room registry can be given `sessions`.
 */
export async function createAccessLayer(store: Store, config: AuthConfig): Promise<AccessLayer> {
  const keys = deriveAuthKeys(await loadAuthSecret(store, config.secret));
  const accounts = new AccountService({
    store,
    tokens: new SessionTokens(keys.sessionTokens),
    passwords: new Passwords(),
    sessionTtlMs: config.sessionTtlMs,
  });
  const guests = new GuestIdentities(keys.guestCookies);
  const access = new RoomAccessControl(store);
  return {
    accounts,
    guests,
    access,
    sessions: new AccessSessionResolver({ accounts, guests, access }),
    attemptsPerAccount: new AttemptLimiter(config.loginAttemptsPerAccount, LOGIN_WINDOW_MS),
    attemptsPerIp: new AttemptLimiter(config.loginAttemptsPerIp, LOGIN_WINDOW_MS),
  };
}
