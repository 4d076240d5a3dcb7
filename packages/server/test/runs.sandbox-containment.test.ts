import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_OUTPUT_MAX_BYTES } from '@pairwise/protocol';
import { api } from './support/http-api.js';
import { closeRawSockets } from './support/raw-socket.js';
import { expectNothingLeft, runAndWatch, type SandboxServer, type SeenRun, startSandboxServer } from './support/sandbox.js';

/**
 * What a program in the sandbox tries against the host is contained, the run ends with a status and a
 * message, and the server goes on serving. Each program prints what it got, so a failure shows why.
 */
describe('the sandbox contains hostile programs', () => {
  let s: SandboxServer;
  let hostDir: string;
  let hostFile: string;
  let listener: Server;
  let connections = 0;
  const SECRET = 'host-secret-7f3a';

  beforeAll(async () => {
    s = await startSandboxServer();
    hostDir = mkdtempSync(join(tmpdir(), 'pw-host-'));
    hostFile = join(hostDir, 'secret.txt');
    writeFileSync(hostFile, `${SECRET}\n`);
    process.env.PAIRWISE_TEST_SECRET = SECRET;
    listener = createServer(() => connections++);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    delete process.env.PAIRWISE_TEST_SECRET;
    listener?.close();
    closeRawSockets();
    rmSync(hostDir, { recursive: true, force: true });
    await s?.close();
  });

  /** The server still serves and left nothing behind after the run. */
  async function expectServing(): Promise<void> {
    expect((await api(s.server, 'GET', '/api/capabilities')).status).toBe(200);
    await expectNothingLeft(s);
  }

  const tries = (attempts: string) => `import os, socket, sys\nfailed = 0\n${attempts}\nsys.exit(1 if failed else 0)\n`;
  /** A Python line that tries `action` and prints either DID or BLOCKED with the error. */
  const attempt = (label: string, action: string) =>
    `try:\n    ${action}\n    print("DID ${label}")\nexcept Exception as e:\n    failed += 1\n    print("BLOCKED ${label}:", type(e).__name__, e)`;

  function expectAllBlocked(seen: SeenRun, labels: string[]): void {
    for (const label of labels) expect(seen.stdout, seen.stdout + seen.stderr).toContain(`BLOCKED ${label}:`);
    expect(seen.stdout).not.toContain('DID ');
    expect(seen.finished).toMatchObject({ status: 'failed', exitCode: 1 });
  }

  it('has no network: a listener on the host loopback is not reached', async () => {
    const port = (listener.address() as { port: number }).port;
    const seen = await runAndWatch(s, tries(attempt('connect', `socket.create_connection(("127.0.0.1", ${port}), timeout=1)`)), 'python');
    expectAllBlocked(seen, ['connect']);
    expect(connections).toBe(0);
    await expectServing();
  });

  it('writes nowhere but its directory, and a symlink there to a host file reads and writes nothing', async () => {
    const code = tries(
      [
        attempt('usr', 'open("/usr/pwned", "w").write("x")'),
        attempt('root', 'open("/pwned", "w").write("x")'),
        attempt('host path', `open(${JSON.stringify(join(hostDir, 'new.txt'))}, "w").write("x")`),
        `os.symlink(${JSON.stringify(hostFile)}, "link")`,
        attempt('symlink read', 'print(open("link").read())'),
        attempt('symlink write', 'open("link", "w").write("overwritten")'),
        attempt('passwd', 'print(open("/etc/passwd").read())'),
      ].join('\n'),
    );
    const seen = await runAndWatch(s, code, 'python');
    expectAllBlocked(seen, ['usr', 'root', 'host path', 'symlink read', 'symlink write', 'passwd']);
    expect(seen.stdout).not.toContain(SECRET);
    expect(readFileSync(hostFile, 'utf8')).toBe(`${SECRET}\n`);
    await expectServing();
  });

  it("sees an empty environment, not the server's", async () => {
    const seen = await runAndWatch(
      s,
      'import os\nfor k, v in sorted(os.environ.items()): print(k, v)\nprint(open("/proc/1/environ").read())\n',
      'python',
    );
    expect(seen.finished).toMatchObject({ status: 'exited', exitCode: 0 });
    expect(seen.stdout).not.toContain(SECRET);
    expect(seen.stdout).toContain('PATH /usr/bin:/bin');
    expect(seen.stdout).not.toMatch(/DATABASE|REDIS|AUTH_SECRET|PAIRWISE/);
    await expectServing();
  });

  it('bounds a fork bomb by the process limit', async () => {
    const seen = await runAndWatch(s, 'import os\nwhile True:\n    os.fork()\n', 'python');
    expect(['failed', 'timed-out']).toContain(seen.finished.status);
    expect(seen.stderr).toContain('process limit of 32 reached');
    await expectServing();
  });

  it('kills a memory bomb at the memory limit', async () => {
    const seen = await runAndWatch(s, 'blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))\n', 'python');
    expect(seen.finished).toMatchObject({ status: 'failed' });
    expect(seen.stderr).toContain('[memory limit of 256 MiB reached]');
    await expectServing();
  });

  it('caps an output flood and ends the run there, before its time limit', async () => {
    const seen = await runAndWatch(s, 'while True:\n    print("flood " * 100)\n', 'python');
    expect(seen.finished).toMatchObject({ status: 'failed', truncated: true, outputBytes: RUN_OUTPUT_MAX_BYTES });
    await expectServing();
  });

  it('compiles without reading host files, and bounds a compile-time bomb', async () => {
    const include = await runAndWatch(s, `#include "${hostFile}"\n#include "/etc/shadow"\nint main() {}\n`, 'cpp');
    expect(include.finished).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(include.stderr).toContain('No such file or directory');
    expect(include.stderr).not.toContain(SECRET);
    expect(include.stderr).toContain('[compile failed (exit code 1)]');

    const bomb = await runAndWatch(s, '#include "/dev/zero"\nint main() {}\n', 'cpp');
    expect(bomb.finished.status).not.toBe('exited');
    expect(bomb.stderr).toMatch(/\[(memory limit of 256 MiB reached|time limit of 20 s reached|file size limit).*\]/);
    await expectServing();
  });
});
