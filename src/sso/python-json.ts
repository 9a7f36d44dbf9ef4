/**
 * Python's `json.dumps` with its defaults (separators `", "` and `": "`, ensure_ascii=True), for
 * the values the SSO and login caches hold: strings, integers, booleans, null, lists and objects in the order given
 * (pass `sortKeys` for `sort_keys=True`). Cache keys are SHA-1 hashes of such text, so it must be
 * byte for byte what botocore produces; the files themselves are written the same way, so that a
 * file awsrole writes looks like one the AWS CLI wrote.
 */
export type PythonJson = string | number | boolean | null | PythonJson[] | { [key: string]: PythonJson };

export function pythonJsonDumps(value: PythonJson, options: { sortKeys?: boolean } = {}): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`only integers are written, not ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => pythonJsonDumps(item, options)).join(', ')}]`;
  const entries = Object.entries(value);
  // sort_keys sorts by code point; JS's default sort compares UTF-16 units, the same for BMP keys.
  if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${pythonJsonString(key)}: ${pythonJsonDumps(item, options)}`).join(', ')}}`;
}

/**
 * json.dumps(str) with ensure_ascii=True: `\\` and `"` escaped, every character outside ' '..'~'
 * escaped — \n \r \t \b \f by name, the rest as lowercase \uXXXX per UTF-16 unit (so astral
 * characters become surrogate pairs, as in Python).
 */
function pythonJsonString(value: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
  const body = value.replace(/[\\"]|[^ -~]/g, (ch) => named[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${body}"`;
}
