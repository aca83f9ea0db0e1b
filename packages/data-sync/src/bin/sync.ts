#!/usr/bin/env node
// `pnpm sync <dataset>`
import { main } from "../cli/main.ts";

await main(process.argv.slice(2), "sync", true);
