// The SES v2 client, made once per process; only handlers that send mail import it.
import { SESv2Client } from '@aws-sdk/client-sesv2';

// The sandbox points it at aws-ses-v2-local with AWS_ENDPOINT_URL_SESV2; the code is unchanged.
let client: SESv2Client | undefined;

export function ses(): SESv2Client {
  client ??= new SESv2Client({});
  return client;
}
