// vitest globalSetup: one versitygw for the whole test run, handed to tests through inject("s3").
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { type S3Server, startS3Server } from "./server.ts";

export interface S3Connection {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  root: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    s3: S3Connection;
  }
}

let server: S3Server | undefined;

export async function setup(project: TestProject) {
  server = await startS3Server();
  const { endpoint, region, accessKeyId, secretAccessKey, root } = server;
  project.provide("s3", { endpoint, region, accessKeyId, secretAccessKey, root });
}

export async function teardown() {
  await server?.stop();
}
