// `loopwise <args>` from the TypeScript sources. bin/loopwise.js runs dist/ when a build exists
// (as an installed package does), which in a checkout may be older than the sources under test;
// the queue tests start workers through this entry instead, so they always test the sources.
import { main } from "../../src/cli/main.js";

process.exit(await main(process.argv.slice(2)));
