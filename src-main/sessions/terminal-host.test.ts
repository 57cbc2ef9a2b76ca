import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOW_HIGH_WATERMARK_CHARS, OUTPUT_MAX_FRAME_CHARS } from '../../src-shared/flow-control.js';
import { makeRepo, startTestOrchestrator, TerminalReader, waitFor, type TestOrchestrator } from '../testing/fixtures.js';
import { Emitter } from '../../src-shared/lifecycle.js';
import type { ServerFrame } from '../../src-shared/contract.js';
import type { ExitInfo, ITerminalProcess } from '../backends/backend.js';
import { HEADLESS_SLICE_CHARS, splitFrames, TerminalHost } from './terminal-host.js';

/** A process the test drives by hand: ordering inside the host, not any engine, is under test here. */
function scriptedProcess() {
  const output = new Emitter<string>();
  const exit = new Emitter<ExitInfo>();
  const proc: ITerminalProcess = {
    pid: 1,
    onDidOutput: output.event,
    onDidExit: exit.event,
    write: () => undefined,
    resize: () => undefined,
    pause: () => undefined,
    resume: () => undefined,
    signal: () => undefined,
    stop: async () => undefined,
    dispose: () => undefined,
  };
  return { proc, output };
}

describe('splitFrames', () => {
  it('never splits a surrogate pair and keeps every character', () => {
    const emoji = '😀'; // two UTF-16 units
    const data = `a${emoji.repeat(10)}`;
    for (const max of [2, 3, 4, 5]) {
      const parts = splitFrames(data, max);
      expect(parts.join('')).toBe(data);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(max);
        const last = p.charCodeAt(p.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
    }
    expect(splitFrames('short')).toEqual(['short']);
  });
});

describe('TerminalHost attach ordering', () => {
  it('output batched but not yet sent is in the snapshot and is not replayed as live data', async () => {
    const { proc, output } = scriptedProcess();
    const host = await TerminalHost.create('s1', proc, 40, 5);
    try {
      output.fire('before-attach ');
      const frames: ServerFrame[] = [];
      host.attach({}, { send: (f) => frames.push(f) });
      output.fire('after-attach');
      await waitFor(() => frames.some((f) => f.type === 'term.data'), 'live frame');
      const snapshot = frames.find((f) => f.type === 'term.snapshot');
      const live = frames.filter((f) => f.type === 'term.data').map((f) => (f as { data: string }).data).join('');
      expect(frames[0]?.type).toBe('term.snapshot');
      expect(snapshot && 'data' in snapshot ? snapshot.data : '').toContain('before-attach');
      expect(live).toBe('after-attach');
    } finally {
      host.dispose();
    }
  });
});

describe('TerminalHost headless parsing', () => {
  it('parses a large burst in bounded slices, one per event-loop turn, and keeps every character', async () => {
    const { proc, output } = scriptedProcess();
    const host = await TerminalHost.create('s1', proc, 80, 24);
    // The headless terminal is private: watch what reaches it and when.
    const terminal = (host as unknown as { terminal: { write(data: string, cb?: () => void): void } }).terminal;
    const writes: { chars: number; turn: number }[] = [];
    let turn = 0;
    let spinning = true;
    const spin = () => {
      turn++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const original = terminal.write.bind(terminal);
    terminal.write = (data, cb) => {
      writes.push({ chars: data.length, turn });
      original(data, cb);
    };
    try {
      const lines = 20_000;
      let burst = '';
      for (let i = 0; i < lines; i++) burst += `line ${i} of one large burst from a fast agent\r\n`;
      output.fire(burst);
      const text = await host.text();
      expect(text.split('\n').at(-1)).toBe(`line ${lines - 1} of one large burst from a fast agent`);
      const parsed = writes.filter((w) => w.chars > 0);
      expect(parsed.reduce((n, w) => n + w.chars, 0)).toBe(burst.length);
      expect(Math.max(...parsed.map((w) => w.chars))).toBeLessThanOrEqual(HEADLESS_SLICE_CHARS);
      // Each slice went in on its own turn of the event loop (other work ran in between).
      for (let i = 1; i < parsed.length; i++) expect(parsed[i]!.turn).toBeGreaterThan(parsed[i - 1]!.turn);
    } finally {
      spinning = false;
      host.dispose();
    }
  });
});

describe('terminal streaming (real pty)', () => {
  let t: TestOrchestrator;
  let repo: string;
  beforeEach(async () => {
    t = await startTestOrchestrator();
    repo = makeRepo();
  });
  afterEach(async () => t.close());

  it('pauses the agent while a client does not acknowledge, and resumes on ack', async () => {
    // 3 MB of output; far above the high watermark.
    const s = await t.must('sessions.create', { repoPath: repo, agent: 'custom', command: 'sh -c "sleep 0.3; head -c 3000000 /dev/zero | tr \'\\\\0\' x; echo; echo done-$((1+1)); sleep 600"' });
    const client = await t.connect();
    let received = 0;
    let text = '';
    client.onDidTerminalFrame((f) => {
      if (f.sessionId === s.id && f.type === 'term.data') {
        received += f.data.length;
        text += f.data.slice(-50);
      }
    });
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).pid !== null, 'started');
    client.attach(s.id);
    await waitFor(() => received > FLOW_HIGH_WATERMARK_CHARS, 'output up to the watermark');
    await new Promise((r) => setTimeout(r, 300));
    const stalled = received;
    await new Promise((r) => setTimeout(r, 300));
    // Paused: nothing (beyond what was already read from the pty) keeps arriving.
    expect(received).toBe(stalled);
    expect(received).toBeLessThan(FLOW_HIGH_WATERMARK_CHARS + 3 * OUTPUT_MAX_FRAME_CHARS);
    expect(t.orch.sessions.host(s.id)!.isPaused).toBe(true);

    // Acknowledge everything as it arrives: the rest flows.
    client.ack(s.id, received);
    const sub = client.onDidTerminalFrame((f) => {
      if (f.sessionId === s.id && f.type === 'term.data') client.ack(s.id, f.data.length);
    });
    await waitFor(() => text.includes('done-2'), 'all output after acks', 20_000);
    expect(received).toBeGreaterThanOrEqual(3_000_000);
    sub.dispose();
  });

  it('passes multi-byte UTF-8 through intact under heavy output', async () => {
    const s = await t.must('sessions.create', {
      repoPath: repo,
      agent: 'custom',
      command: `sh -c "sleep 0.3; i=0; while [ $i -lt 2000 ]; do printf 'é日本😀'; i=$((i+1)); done; echo; echo end-$((2+2)); sleep 600"`,
    });
    const client = await t.connect();
    const reader = new TerminalReader(client, s.id);
    await waitFor(async () => (await t.must('sessions.get', { ref: s.id })).pid !== null, 'started');
    client.attach(s.id);
    await waitFor(() => reader.text.includes('end-4'), 'output', 20_000);
    const body = reader.text.slice(0, reader.text.indexOf('\r\nend-4')).replace(/\r\n/g, '');
    expect(body).not.toContain('\ufffd');
    expect(body).toBe('é日本😀'.repeat(2000));
  });
});
