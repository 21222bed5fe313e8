// The folder holding Herald's package.json, whether this code runs from src/ (tsx) or dist/ (built).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'herald') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the herald package.json above this module');
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot();

/** ".ts" when running from source under tsx, ".js" when running the build. */
export const SOURCE_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
