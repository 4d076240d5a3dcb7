import { ROOM_ROLES, type RoomRole } from '@pairwise/protocol';

/**
 * What the room does with each kind of message from each role. Roles belong to the connection, not
 * to the room (field notes: jupyverse #505), and a viewer can write through sync step 2 as well as
 * through updates, so both are ignored for viewers (jupyverse #546). Ignored frames are counted and
 * dropped; the connection stays open, so a viewer keeps receiving edits and showing its cursor.
 */
export const ROOM_MESSAGES = ['syncStep1', 'syncStep2', 'update', 'awareness', 'awarenessQuery', 'hello', 'chat', 'run'] as const;
export type RoomMessage = (typeof ROOM_MESSAGES)[number];

/** `allowed`: handled; `ignored`: dropped and counted. (A frame of a type the room does not know closes with 1007.) */
export type Verdict = 'allowed' | 'ignored';

interface MatrixRow {
  /** How the README names the message. */
  label: string;
  verdicts: Record<RoomRole, Verdict>;
}

const everyone = (verdict: Verdict): Record<RoomRole, Verdict> => ({ viewer: verdict, editor: verdict, owner: verdict });

export const ROLE_MATRIX: Record<RoomMessage, MatrixRow> = {
  syncStep1: { label: 'sync step 1 (asks for what it lacks; answered with step 2)', verdicts: everyone('allowed') },
  syncStep2: {
    label: 'sync step 2 (what the client holds, offline edits included)',
    verdicts: { viewer: 'ignored', editor: 'allowed', owner: 'allowed' },
  },
  update: { label: 'update (an edit)', verdicts: { viewer: 'ignored', editor: 'allowed', owner: 'allowed' } },
  awareness: { label: 'awareness (cursor, selection; `user` set by the server)', verdicts: everyone('allowed') },
  awarenessQuery: { label: 'awareness query', verdicts: everyone('allowed') },
  hello: { label: 'Pairwise hello (the web app opts in to saved-state, chat and run messages)', verdicts: everyone('allowed') },
  // Posted over HTTP, received as a Pairwise message; observers ask questions too.
  chat: { label: 'chat (POST /api/rooms/:id/chat)', verdicts: everyone('allowed') },
  // The runner's tab reports its run; a viewer watches runs but neither starts nor stops one.
  run: {
    label: 'run code (MESSAGE_RUN: start, output, exit, stop)',
    verdicts: { viewer: 'ignored', editor: 'allowed', owner: 'allowed' },
  },
};

export function verdictFor(role: RoomRole, message: RoomMessage): Verdict {
  return ROLE_MATRIX[message].verdicts[role];
}

/** Whether a role's document writes are applied. */
export function mayEdit(role: RoomRole): boolean {
  return verdictFor(role, 'update') === 'allowed' && verdictFor(role, 'syncStep2') === 'allowed';
}

/** The matrix as the Markdown table the README shows (a test keeps the two equal). */
export function roleMatrixMarkdown(): string {
  const header = `| Message | ${ROOM_ROLES.join(' | ')} |`;
  const rule = `|---|${ROOM_ROLES.map(() => '---').join('|')}|`;
  const rows = ROOM_MESSAGES.map((message) => {
    const { label, verdicts } = ROLE_MATRIX[message];
    return `| ${label} | ${ROOM_ROLES.map((role) => verdicts[role]).join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}
