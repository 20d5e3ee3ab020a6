// `node --import ./test/helpers/module-log.mjs …`: appends the URL of every module the
// process loads (ours and node_modules', not node: builtins) to the file named by
// MODULE_LOG, so a test can tell which code a command pulled in without timing it.
import { register } from 'node:module';

register('./module-log-hooks.mjs', import.meta.url);
