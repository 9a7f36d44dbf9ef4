import { readdirSync, readFileSync } from 'node:fs';

/**
 * What Linux's /proc says about a process (proc(5)): enough to tell whether a signal already
 * reached it and to find its descendants. Every reader answers undefined (or nothing) where there
 * is no /proc — other systems — or the process is gone.
 */
export interface ProcessFacts {
  /** proc(5)'s one-letter state: R running, S sleeping, T stopped, Z zombie, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** Signal numbers pending for the process or its main thread (ShdPnd ∪ SigPnd), not yet handled. */
  pending: Set<number>;
}

/**
 * The fields of /proc/PID/stat after the command name (field 2), which may itself hold spaces and
 * parentheses: counted after the last ')'. Index 0 is field 3 (state), index 19 field 22 (start time).
 */
export function statFieldsAfterName(text: string): string[] {
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** State, parent and process group from /proc/PID/stat. */
export function parseStat(text: string): { state: string; ppid: number; pgrp: number } | undefined {
  const fields = statFieldsAfterName(text);
  const [state, ppid, pgrp] = [fields[0], Number(fields[1]), Number(fields[2])];
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(pgrp)) return undefined;
  return { state, ppid, pgrp };
}

/** The signals in the SigPnd and ShdPnd masks of /proc/PID/status (bit N-1 is signal N). */
export function parsePendingSignals(status: string): Set<number> {
  const pending = new Set<number>();
  for (const match of status.matchAll(/^(?:SigPnd|ShdPnd):\s*([0-9a-f]+)$/gm)) {
    const mask = BigInt(`0x${match[1]}`);
    for (let signal = 1; signal <= 64; signal++) if ((mask >> BigInt(signal - 1)) & 1n) pending.add(signal);
  }
  return pending;
}

export function readProcessFacts(pid: number | 'self'): ProcessFacts | undefined {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (!stat) return undefined;
    return { ...stat, pending: parsePendingSignals(readFileSync(`/proc/${pid}/status`, 'utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The process and all its living descendants, parents before children. A descendant whose parent
 * has already exited has been handed to init and can no longer be found this way: collect the tree
 * before signalling any of it.
 */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      continue; // gone meanwhile
    }
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}
