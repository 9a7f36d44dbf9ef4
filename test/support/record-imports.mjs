// Preloaded with `node --import` in tests: appends to the file named by AWSROLE_TEST_IMPORT_LOG
// every module that the process loads — `require`d (the bundle is CommonJS) or `import`ed — and,
// under each file of the bundled dist/, the source modules that file holds (indented:
// `  src/cache/sessions.ts`, `  node_modules/@aws-sdk/…`), so a test can assert that a command
// never loaded the AWS SDK.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import vm from 'node:vm';
import { bundledModules } from './record-imports-hooks.mjs';

const log = process.env.AWSROLE_TEST_IMPORT_LOG;

register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { log } });

const load = Module._load;
Module._load = function recordingLoad(request, parent, isMain) {
  if (log) {
    let modules = [];
    try {
      modules = bundledModules(Module._resolveFilename(request, parent, isMain));
    } catch {
      // not found: `load` throws the error the program expects
    }
    appendFileSync(log, `${request}\n${modules.map((id) => `  ${id}\n`).join('')}`);
  }
  return load.apply(this, arguments);
};

// On Node 20, bin/awsrole.js runs dist/cli.js through vm.Script (src/startup/code-cache.ts), not
// through require: record the files compiled that way too.
const Script = vm.Script;
vm.Script = class RecordingScript extends Script {
  constructor(code, options) {
    super(code, options);
    const filename = typeof options === 'string' ? options : options?.filename;
    if (log && filename) appendFileSync(log, `${filename}\n${bundledModules(filename).map((id) => `  ${id}\n`).join('')}`);
  }
};
