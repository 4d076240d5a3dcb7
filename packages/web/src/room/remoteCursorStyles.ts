import { hexToRgba, readableTextColor } from '../lib/color';
import type { Participant } from '../lib/presence';

/** A CSS string literal. Names come from other people's browsers, so nothing is trusted. */
export function cssString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\${code.toString(16)} `;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Per-client rules for the classes y-monaco puts on remote selections
 * (`yRemoteSelection-<clientID>`, `yRemoteSelectionHead-<clientID>`). The shared shape of the
 * caret and its name label lives in room.css; only colour and name vary per client.
 * Participants are expected to be validated already (`participantsFromStates`).
 */
export function remoteCursorCss(participants: readonly Participant[]): string {
  const rules: string[] = [];
  for (const p of participants) {
    if (p.isSelf || !Number.isSafeInteger(p.clientId) || p.clientId < 0) continue;
    if (!/^#[0-9a-f]{6}$/i.test(p.color)) continue;
    const id = p.clientId;
    rules.push(
      `.yRemoteSelection-${id} { background-color: ${hexToRgba(p.color, 0.28)}; }`,
      `.yRemoteSelectionHead-${id} { border-color: ${p.color}; }`,
      `.yRemoteSelectionHead-${id}::after { content: ${cssString(p.name)}; background-color: ${p.color}; color: ${readableTextColor(p.color)}; }`,
    );
  }
  return rules.join('\n');
}
