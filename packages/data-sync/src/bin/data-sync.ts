#!/usr/bin/env node
// `pnpm data-sync sync|status|verify|gc <dataset>`
import "@bgb/shared/aws-sdk-node20";
import { helpAlias } from "../cli/help.ts";
import { main } from "../cli/main.ts";

await main(helpAlias(process.argv.slice(2), false), "data-sync", false);
