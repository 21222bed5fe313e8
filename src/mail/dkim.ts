// DKIM signing settings. nodemailer signs every message with rsa-sha256 (its `dkim` transport
// option); the key is read and checked once at start-up, so a bad file stops Herald before any mail.
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  /** PEM. */
  privateKey: string;
}

/** RFC 8301: verifiers must refuse RSA keys under 1024 bits. */
const MIN_RSA_BITS = 1024;

/** The PEM private key in `file`, or an Error saying what is wrong with it. */
export function readDkimPrivateKey(file: string): string {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`${file} is an ${key.asymmetricKeyType} key; DKIM signing here needs an RSA key (rsa-sha256)`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`${file} is a ${bits}-bit RSA key; use at least 1024 bits (2048 recommended)`);
  return pem;
}
