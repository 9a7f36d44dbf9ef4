import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { shouldForward, type ForwardingFacts } from '../../../src/process/signal-forwarding.js';

const { SIGINT, SIGTERM, SIGHUP } = constants.signals;
const inGroup = { inOurGroup: true, hasSignal: false, ending: false };

describe(shouldForward.name, () => {
  // One line per case: the signal, what the witness says, what /proc says of the command, stdin a terminal → forward?
  it.each<[string, ForwardingFacts, boolean]>([
    ['sent to awsrole alone', { signal: SIGTERM, toGroup: false, child: inGroup, stdinIsTerminal: false }, true],
    ['sent to the group: the kernel delivered it', { signal: SIGTERM, toGroup: true, child: inGroup, stdinIsTerminal: false }, false],
    ['SIGINT to awsrole alone, stdin a terminal', { signal: SIGINT, toGroup: false, child: inGroup, stdinIsTerminal: true }, true],
    ['Ctrl-C (SIGINT to the group), stdin a terminal', { signal: SIGINT, toGroup: true, child: inGroup, stdinIsTerminal: true }, false],
    ['sent to the group, but the command left it (an interactive shell does)', { signal: SIGHUP, toGroup: true, child: { ...inGroup, inOurGroup: false }, stdinIsTerminal: true }, true],
    ['it has the signal pending already', { signal: SIGTERM, toGroup: false, child: { ...inGroup, hasSignal: true }, stdinIsTerminal: false }, false],
    ['it is exiting', { signal: SIGTERM, toGroup: false, child: { ...inGroup, ending: true }, stdinIsTerminal: false }, false],
    ['unknown, SIGTERM', { signal: SIGTERM, toGroup: undefined, child: inGroup, stdinIsTerminal: true }, true],
    ['unknown, SIGINT, stdin a terminal: taken for Ctrl-C', { signal: SIGINT, toGroup: undefined, child: inGroup, stdinIsTerminal: true }, false],
    ['unknown, SIGINT, stdin a pipe', { signal: SIGINT, toGroup: undefined, child: inGroup, stdinIsTerminal: false }, true],
    ['no /proc at all, SIGHUP', { signal: SIGHUP, toGroup: undefined, child: undefined, stdinIsTerminal: false }, true],
    ['no /proc at all, SIGINT, stdin a terminal', { signal: SIGINT, toGroup: undefined, child: undefined, stdinIsTerminal: true }, false],
  ])('%s', (_, facts, forward) => {
    expect(shouldForward(facts)).toBe(forward);
  });
});
