// The Step Functions client, made once per process; only handlers that start or answer workflows import it.
import { SFNClient } from '@aws-sdk/client-sfn';

// The sandbox points it at its local Step Functions service with AWS_ENDPOINT_URL_SFN; the code is unchanged.
let client: SFNClient | undefined;

export function stepFunctions(): SFNClient {
  client ??= new SFNClient({});
  return client;
}
