// What a test file's `use…()` helpers return: an object that stands for a part started later, in
// beforeAll, so test code can name it at module level and use it inside tests and later hooks.
export function startedLater<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      const target = get();
      if (!target) throw new Error(`${what} starts in beforeAll: use it inside tests or later hooks`);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
