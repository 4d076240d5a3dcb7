import { describe, expect, it } from 'vitest';
import { formatDuration, runBlockedReason, runStatusText, runsOnServer } from './runText';

describe('run text', () => {
  it('says why the Run button is disabled', () => {
    const base = { canEdit: true, runCodeOn: true, runningElsewhere: null, language: 'typescript' as const, serverLanguages: [] };
    expect(runBlockedReason(base)).toBeNull();
    expect(runBlockedReason({ ...base, canEdit: false })).toMatch(/editors and owners/);
    expect(runBlockedReason({ ...base, runCodeOn: false })).toMatch(/turned running code off/);
    expect(runBlockedReason({ ...base, runningElsewhere: 'Bruno' })).toBe('Bruno is running the code; wait for it to end');
    expect(runBlockedReason({ ...base, language: 'go' })).toBe('Running works for Python, JavaScript and TypeScript');
    expect(runBlockedReason({ ...base, language: 'python' })).toBeNull();
  });

  it('lets Java and C++ run when the server runs them, and says so where it does not', () => {
    const base = { canEdit: true, runCodeOn: true, runningElsewhere: null, language: 'cpp' as const };
    expect(runBlockedReason({ ...base, serverLanguages: ['java', 'cpp', 'python'] })).toBeNull();
    expect(runBlockedReason({ ...base, serverLanguages: [] })).toBe('Running works for Python, JavaScript and TypeScript');
    expect(runBlockedReason({ ...base, language: 'go', serverLanguages: ['java', 'cpp', 'python'] })).toBe(
      'Running works for Python, JavaScript and TypeScript, and Java and C++ on the server',
    );
    expect(runsOnServer('cpp', ['cpp'])).toBe(true);
    // Python stays in the browser even when the server could run it.
    expect(runsOnServer('python', ['python'])).toBe(false);
  });

  it('formats durations and how a run ended', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(runStatusText({ status: 'exited', exitCode: 0 })).toBe('Exit 0');
    expect(runStatusText({ status: 'failed', exitCode: 1 })).toBe('Exit 1');
    expect(runStatusText({ status: 'timed-out', exitCode: null })).toBe('Time limit reached');
  });
});
