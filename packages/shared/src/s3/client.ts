// How every S3 client of this project is built (data-sync's store and sources, the launcher's
// manifest reader, the tests' inspection client): one set of settings, so an endpoint, a
// timeout or a checksum quirk behaves the same in every CLI.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { EndpointChoice } from "../endpoint.ts";

export interface S3ClientOptions {
  endpoint: EndpointChoice;
  /** sockets per protocol = the most requests in flight at once */
  maxSockets: number;
  /** a socket silent this long is abandoned (and the request retried) */
  socketTimeoutMs: number;
  connectionTimeoutMs?: number;
  /** tries per request, the SDK's standard retry mode (throttling, 5xx, resets) */
  maxAttempts: number;
  /** explicit keys (tests); otherwise the SDK's default chain (env, profile, SSO...) */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** unsigned requests (public buckets): no credentials are looked up or sent */
  anonymous?: boolean;
}

export function createS3Client(o: S3ClientOptions): S3Client {
  const agentOpts = { keepAlive: true, maxSockets: o.maxSockets };
  const client = new S3Client({
    region: o.endpoint.region,
    ...(o.endpoint.url ? { endpoint: o.endpoint.url } : {}),
    forcePathStyle: o.endpoint.forcePathStyle,
    // The endpoint is decided once, by resolveEndpoint (or the source's own setting). Without
    // this the SDK would read AWS_ENDPOINT_URL_S3 itself for a client given no endpoint: a source
    // on AWS (PhysioNet) would be listed on the destination's server.
    ignoreConfiguredEndpointUrls: true,
    maxAttempts: o.maxAttempts,
    retryMode: "standard",
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.anonymous
      ? {
          credentials: { accessKeyId: "", secretAccessKey: "" },
          signer: { sign: async (request: never) => request },
        }
      : {}),
    // We send our own SHA-256 where it matters; some S3-compatible servers reject the SDK's
    // default CRC32 checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOpts),
      httpsAgent: new HttpsAgent(agentOpts),
      connectionTimeout: o.connectionTimeoutMs ?? 10_000,
      // An idle-socket timeout, not a total one: a big part on a slow uplink may take minutes,
      // but a connection that says nothing for this long is dead. (requestTimeout only warns.)
      socketTimeout: o.socketTimeoutMs,
    }),
  });
  if (!o.anonymous) reuseSigners(client);
  return client;
}

type SignerFactory = S3Client["config"]["signer"];

/**
 * The SDK's default signer factory runs for every request: it copies the whole client config
 * into a new SigV4 signer, whose signing-key cache then starts empty (four HMACs again). With
 * thousands of small PUTs that was a tenth of the CPU. One signer per auth scheme (region,
 * service) is enough: it asks the credential provider on every signature (refreshes still
 * apply) and is given the clock-skew-corrected date per request.
 */
function reuseSigners(client: S3Client): void {
  const make: SignerFactory = client.config.signer;
  const made = new Map<string, ReturnType<SignerFactory>>();
  client.config.signer = (scheme) => {
    const key = JSON.stringify([
      scheme?.name,
      scheme?.signingRegion,
      scheme?.signingName,
      (scheme as { signingRegionSet?: string[] } | undefined)?.signingRegionSet,
    ]);
    let s = made.get(key);
    if (!s) {
      s = make(scheme);
      made.set(key, s);
      s.catch(() => made.delete(key));
    }
    return s;
  };
}
