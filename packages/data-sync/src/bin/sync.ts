#!/usr/bin/env node
// `pnpm sync <dataset>`
import "@bgb/shared/aws-sdk-node20";
import { helpAlias } from "../cli/help.ts";
import { main } from "../cli/main.ts";

await main(helpAlias(process.argv.slice(2), true), "sync", true);
