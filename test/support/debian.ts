// Debian packages that tests and the bench run (chromium, redis-server), installed with apt-get on
// first use. These machines run as root and reach Debian's mirrors, but no browser vendor or other
// download site, so Debian's packages are the way to get these programs.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

export interface DebianCommand {
  /** The command to find on PATH, e.g. `redis-server`. */
  command: string;
  /** Packages to install when it is missing (default: the command's name). */
  packages?: string[];
}

const installs = new Map<string, Promise<string>>();

/**
 * The absolute path of `command`, installing its Debian packages when it is not on PATH.
 * One install per process and command; concurrent processes wait for each other on dpkg's lock.
 */
export function ensureDebianCommand({ command, packages = [command] }: DebianCommand): Promise<string> {
  let install = installs.get(command);
  if (!install) {
    install = installIfMissing(command, packages);
    installs.set(command, install);
    // A failed install may be retried (e.g. after the network comes back).
    install.catch(() => installs.delete(command));
  }
  return install;
}

async function installIfMissing(command: string, packages: string[]): Promise<string> {
  const found = which(command);
  if (found) return found;
  // Recommends would pull in a desktop's worth of packages (udev, printing, mesa); nothing here needs them.
  const install = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...packages];
  try {
    await aptGet(install);
  } catch {
    await aptGet(['-o', 'DPkg::Lock::Timeout=600', 'update']); // a fresh machine has no package lists yet
    await aptGet(install);
  }
  const installed = which(command);
  if (!installed) throw new Error(`${command} is not installed and apt-get could not install ${packages.join(' ')}`);
  return installed;
}

async function aptGet(args: string[]): Promise<void> {
  try {
    await promisify(execFile)('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join('\n') ?? String(err);
    throw new Error(`apt-get ${args.join(' ')} failed:\n${detail}`, { cause: err });
  }
}

export function which(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v "$1"', 'sh', command]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
