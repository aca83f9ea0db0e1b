#!/usr/bin/env node
// `pnpm sync <dataset>`
import "@bgb/shared/aws-sdk-node20";
import { main } from "../cli/main.ts";

await main(process.argv.slice(2), "sync", true);
