// Preloaded with `node --import` in tests: appends every module specifier that the process
// resolves to the file named by AWSROLE_TEST_IMPORT_LOG, so a test can assert that a command
// never loaded the AWS SDK.
import { register } from 'node:module';

register(new URL('./record-imports-hooks.mjs', import.meta.url), {
  data: { log: process.env.AWSROLE_TEST_IMPORT_LOG },
});
