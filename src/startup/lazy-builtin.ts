import { createRequire } from 'node:module';

/**
 * A Node built-in, loaded when first needed instead of when the importing module is: a static
 * `import … from 'node:os'` in any module of dist/cli.js makes every run load it (node:os, tty and
 * net are not in Node's startup snapshot). For what the startup path needs only now and then.
 */
export function lazyBuiltin<T>(name: string): T {
  // Any absolute path serves as the base: built-ins are found by name.
  return createRequire(process.execPath)(name) as T;
}

type Os = typeof import('node:os');

/** os.homedir(), os.hostname(), os.userInfo().username, each loading node:os on first use. */
export const os = {
  homedir: () => lazyBuiltin<Os>('node:os').homedir(),
  hostname: () => lazyBuiltin<Os>('node:os').hostname(),
  userName: () => lazyBuiltin<Os>('node:os').userInfo().username,
};
