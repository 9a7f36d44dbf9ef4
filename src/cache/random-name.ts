/**
 * `digits` random hex digits, to make a temporary file's name unique. From Math.random, not
 * node:crypto, whose loading costs every run that writes a cache file about 4 % of `node -e 0`:
 * the name must not collide with another writer's, it need not be secret, because the files are
 * created with O_EXCL and never followed through a symlink (atomic-file.ts, lock.ts).
 */
export function randomHex(digits: number): string {
  let text = '';
  while (text.length < digits) text += Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return text.slice(0, digits);
}
