import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { publicUser } from '../access/presence.js';
import { credentialsBodySchema, type AuthAnswer, type MeAnswer } from '@pairwise/protocol';
import type { AccessEvents } from '../access/session.js';
import { type AccountService, InvalidCredentialsError } from '../auth/accounts.js';
import type { AttemptLimiter } from '../auth/attempt-limiter.js';
import type { ServerEvents } from '../observability/server-events.js';
import { UsernameTakenError } from '../storage/accounts.js';
import { clearSessionCookie, requestPrincipal, setSessionCookie } from './auth-hooks.js';
import { answers, ANYONE } from './api-docs.js';
import { HttpError } from './errors.js';
import type { ZodTypeProvider } from './zod-schemas.js';

export interface AuthRoutesOptions {
  accounts: AccountService;
  /** Sign-in attempts per account (username). */
  attemptsPerAccount: AttemptLimiter;
  /** Sign-in and sign-up attempts per client address. */
  attemptsPerIp: AttemptLimiter;
  events: AccessEvents;
  /** Counts the attempts the limiters refuse. */
  limitEvents: Pick<ServerEvents, 'limitHit'>;
}

/** `/api/auth/register`, `/api/auth/login`, `/api/auth/logout` and `/api/me`. */
export function registerAuthRoutes(fastify: FastifyInstance, options: AuthRoutesOptions): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const auth = { tags: ['auth'], security: ANYONE };
  const tooManyAttempts = { 429: 'too_many_attempts (Retry-After), or rate_limited' };
  const register = {
    ...auth,
    summary: 'Create an account and sign in',
    body: credentialsBodySchema,
    response: answers({ 201: 'AuthAnswer; also sets the session cookie' }, { 409: 'username_taken', ...tooManyAttempts }),
  };
  app.post('/api/auth/register', { schema: register }, async (request, reply) => {
    const body = request.body;
    refuseIfTooMany(reply, options.attemptsPerIp.take(request.ip), options.limitEvents);
    let answer: AuthAnswer;
    try {
      answer = await options.accounts.register(body);
    } catch (err) {
      if (err instanceof UsernameTakenError) throw new HttpError(409, 'username_taken', `the username ${body.username} is taken`);
      throw err;
    }
    return signedIn(request, reply.status(201), answer);
  });

  const login = {
    ...auth,
    summary: 'Sign in',
    body: credentialsBodySchema,
    response: answers({ 200: 'AuthAnswer; also sets the session cookie' }, { 401: 'invalid_credentials', ...tooManyAttempts }),
  };
  app.post('/api/auth/login', { schema: login }, async (request, reply) => {
    const body = request.body;
    refuseIfTooMany(reply, options.attemptsPerIp.take(request.ip), options.limitEvents);
    refuseIfTooMany(reply, options.attemptsPerAccount.take(body.username), options.limitEvents);
    try {
      return signedIn(request, reply, await options.accounts.login(body));
    } catch (err) {
      if (err instanceof InvalidCredentialsError) throw new HttpError(401, 'invalid_credentials', err.message);
      throw err;
    }
  });

  // Signing out twice, or as a guest, is not an error: either way the caller ends up signed out.
  const logout = { ...auth, summary: 'Sign out: ends the session and clears its cookie', response: answers({ 204: 'signed out' }) };
  app.post('/api/auth/logout', { schema: logout }, async (request, reply) => {
    const principal = requestPrincipal(request);
    if (principal.kind === 'user') {
      await options.accounts.endSession(principal.sessionId);
      options.events.sessionEnded(principal.sessionId);
    }
    clearSessionCookie(request, reply);
    return reply.status(204).send();
  });

  const me = { ...auth, summary: 'Who the caller is', response: answers({ 200: 'MeAnswer: the signed-in user, or null for a guest' }) };
  app.get('/api/me', { schema: me }, async (request): Promise<MeAnswer> => {
    const principal = requestPrincipal(request);
    return { user: principal.kind === 'user' ? publicUser(principal.userId, principal.username) : null };
  });
}

function signedIn(request: FastifyRequest, reply: FastifyReply, answer: AuthAnswer): AuthAnswer {
  setSessionCookie(request, reply, answer.token, new Date(answer.expiresAt));
  return answer;
}

/** `waitMs` from an AttemptLimiter: 0 goes ahead, anything else is 429 with Retry-After. */
function refuseIfTooMany(reply: FastifyReply, waitMs: number, events: Pick<ServerEvents, 'limitHit'>): void {
  if (waitMs === 0) return;
  events.limitHit('login_attempts');
  const seconds = Math.ceil(waitMs / 1000);
  void reply.header('retry-after', String(seconds));
  throw new HttpError(429, 'too_many_attempts', `too many sign-in attempts; try again in ${seconds} s`);
}
