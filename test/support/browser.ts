// A real Chromium for browser tests: Debian's `chromium` driven by playwright-core. Playwright's own
// browser download cannot reach its servers from these machines, so the browser comes from apt.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/project-root.js';
import { ensureDebianCommand } from './debian.js';

/**
 * Where a test's screenshots of the dashboard go: the README's docs/screenshots/ when
 * `UPDATE_SCREENSHOTS=1`, else a temporary folder, so a test run never changes tracked files
 * (a clean clone stays clean after `npm test`).
 */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.UPDATE_SCREENSHOTS === '1' ? path.join(PROJECT_ROOT, 'docs', 'screenshots') : path.join(os.tmpdir(), 'herald-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's browser, plus fonts: Liberation for the common web fonts' metrics, Nanum for Korean pages. */
export const CHROMIUM_PACKAGES = ['chromium', 'fonts-liberation', 'fonts-nanum'];

/**
 * Path of the Chromium to drive: `CHROME_PATH` if set (it must exist), else Debian's
 * `/usr/bin/chromium`, installed with apt-get when it is missing (that takes a few minutes once).
 */
export async function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = env.CHROME_PATH;
  if (override) {
    try {
      fs.accessSync(override, fs.constants.X_OK);
    } catch {
      throw new Error(`CHROME_PATH=${override} is not an executable file`);
    }
    return override;
  }
  return ensureDebianCommand({ command: 'chromium', packages: CHROMIUM_PACKAGES });
}

/**
 * Launches headless Chromium. Close it in the test's teardown (`await browser.close()`).
 * `options` go to playwright's `chromium.launch`; `args` are added to the container flags.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  return chromium.launch({
    headless: true,
    ...options,
    executablePath,
    // Tests run as root in containers: Chromium's sandbox refuses root (playwright then passes
    // --no-sandbox), and a container's /dev/shm is often too small for the renderer's shared memory.
    chromiumSandbox: false,
    args: ['--disable-dev-shm-usage', ...(options.args ?? [])],
  });
}
