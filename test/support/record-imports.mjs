// Preloaded with `node --import` in tests: appends to the file named by AWSROLE_TEST_IMPORT_LOG
// every module specifier that the process resolves and, under each file of the bundled dist/, the
// source modules that file holds (indented: `  src/cache/sessions.ts`, `  node_modules/@aws-sdk/…`),
// so a test can assert that a command never loaded the AWS SDK.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), {
  data: { log: process.env.AWSROLE_TEST_IMPORT_LOG },
});
