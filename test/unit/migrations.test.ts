import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';

describe('migrations/index.ts', () => {
  it('lists every migration file in the folder, in order', () => {
    const dir = fileURLToPath(new URL('../../migrations/', import.meta.url));
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^\d{4}_.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(migrations)).toEqual(files);
    for (const migration of Object.values(migrations)) expect(typeof migration.up).toBe('function');
  });
});
