#!/usr/bin/env node
// `pnpm data-sync sync|status|verify|gc <dataset>`
import "@bgb/shared/aws-sdk-node20";
import { main } from "../cli/main.ts";

await main(process.argv.slice(2), "data-sync", false);
