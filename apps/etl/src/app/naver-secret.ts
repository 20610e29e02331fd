import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type EtlConfig } from './config';

/**
 * With NAVER_ADS_SECRET_ARN, reads the Naver API key and secret from Secrets Manager into the config (the secret is
 * JSON: {"NAVER_ADS_API_KEY": "…", "NAVER_ADS_SECRET_KEY": "…"}). Every problem is a ConfigError naming the variable
 * and what is wrong; the secret's values never appear in a message. `env` supplies the region and, for tests or VPC
 * endpoints, AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export async function resolveNaverSecret(
  config: EtlConfig,
  env: Record<string, string | undefined> = process.env,
  client?: SecretsManagerClient,
): Promise<void> {
  const arn = config.NAVER_ADS_SECRET_ARN;
  if (arn === undefined) return;
  if (config.NAVER_ADS_API_KEY !== undefined || config.NAVER_ADS_SECRET_KEY !== undefined)
    throw new ConfigError('give NAVER_ADS_SECRET_ARN or NAVER_ADS_API_KEY/NAVER_ADS_SECRET_KEY, not both');
  const region = config.AWS_REGION ?? env['AWS_REGION'] ?? arn.split(':')[3];
  const endpoint = env['AWS_ENDPOINT_URL_SECRETS_MANAGER'];
  const sm = client ?? new SecretsManagerClient({ ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) });
  let text: string | undefined;
  try {
    text = (await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (e) {
    throw new ConfigError(
      `NAVER_ADS_SECRET_ARN: cannot read the secret: ${(e as Error).name}: ${(e as Error).message}`,
    );
  } finally {
    if (client === undefined) sm.destroy();
  }
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new ConfigError(
      'NAVER_ADS_SECRET_ARN: the secret is not a JSON object with NAVER_ADS_API_KEY and NAVER_ADS_SECRET_KEY',
    );
  }
  const v = (value ?? {}) as Record<string, unknown>;
  const missing = ['NAVER_ADS_API_KEY', 'NAVER_ADS_SECRET_KEY'].filter((k) => typeof v[k] !== 'string' || v[k] === '');
  if (missing.length > 0) throw new ConfigError(`NAVER_ADS_SECRET_ARN: the secret has no ${missing.join(' or ')}`);
  config.NAVER_ADS_API_KEY = v['NAVER_ADS_API_KEY'] as string;
  config.NAVER_ADS_SECRET_KEY = v['NAVER_ADS_SECRET_KEY'] as string;
}
