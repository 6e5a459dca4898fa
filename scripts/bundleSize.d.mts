export declare function minGzip(
  entry: string,
  external: string[],
): Promise<{ min: number; gzip: number; inputs: Record<string, unknown> }>
