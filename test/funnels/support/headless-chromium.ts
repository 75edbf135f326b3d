import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** Debian's `chromium` package (or C360_CHROMIUM); undefined when it is not installed. */
export function chromiumBinary(): string | undefined {
  const candidates = [process.env.C360_CHROMIUM, 'chromium', 'chromium-browser'].filter((name): name is string => Boolean(name));
  return candidates.find((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0);
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** A browser-side problem the page reported: an exception, a console error or a CSP violation. */
export interface PageProblem {
  kind: string;
  text: string;
}

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: the
 * browser reads commands on fd 3 and answers on fd 4, NUL-separated JSON), so no driver package
 * and no browser download is needed.
 */
export class HeadlessChromium {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners: Array<(message: CdpMessage) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const output = child.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.receive(chunk));
  }

  static launch(binary: string): HeadlessChromium {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'c360-chromium-'));
    const child = spawn(
      binary,
      [
        '--headless=new',
        '--remote-debugging-pipe',
        // Tests run as root in containers, where Chromium's sandbox cannot start.
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-extensions',
        '--disable-background-networking',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new HeadlessChromium(child, profile);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\0');
    while (end >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as CdpMessage;
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const listener of this.listeners) listener(message);
      }
      end = this.buffer.indexOf('\0');
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  on(listener: (message: CdpMessage) => void): void {
    this.listeners.push(listener);
  }

  async newPage(): Promise<ChromiumPage> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new ChromiumPage(this, String(sessionId));
    await page.enable();
    return page;
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          resolve();
        }, 5000);
        this.child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

export class ChromiumPage {
  readonly problems: PageProblem[] = [];
  private loaded: Array<() => void> = [];

  constructor(
    private readonly browser: HeadlessChromium,
    private readonly sessionId: string,
  ) {
    browser.on((message) => {
      if (message.sessionId !== sessionId) return;
      const params = message.params ?? {};
      if (message.method === 'Page.loadEventFired') for (const done of this.loaded.splice(0)) done();
      if (message.method === 'Runtime.exceptionThrown') this.problems.push({ kind: 'exception', text: JSON.stringify(params.exceptionDetails) });
      if (message.method === 'Log.entryAdded') {
        const entry = params.entry as { level?: string; text?: string; source?: string } | undefined;
        if (entry?.level === 'error' || entry?.source === 'security') this.problems.push({ kind: `log:${entry.source ?? ''}`, text: entry.text ?? '' });
      }
      if (message.method === 'Runtime.consoleAPICalled' && params.type === 'error') this.problems.push({ kind: 'console', text: JSON.stringify(params.args) });
    });
  }

  async enable(): Promise<void> {
    for (const domain of ['Page', 'Runtime', 'Log']) await this.browser.send(`${domain}.enable`, {}, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => this.loaded.push(resolve));
    await this.browser.send('Page.navigate', { url }, this.sessionId);
    await loaded;
  }

  /** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.browser.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.sessionId,
    )) as { result?: { value?: T }; exceptionDetails?: unknown };
    if (exceptionDetails) throw new Error(`page script failed: ${JSON.stringify(exceptionDetails)}`);
    return result?.value as T;
  }

  async waitFor(expression: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.browser.send('Page.captureScreenshot', { format: 'png' }, this.sessionId);
    writeFileSync(file, Buffer.from(String(data), 'base64'));
  }
}
