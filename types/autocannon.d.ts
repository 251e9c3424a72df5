// The parts of autocannon 9 the benchmarks use (the package ships no types).
declare module 'autocannon' {
  type Histogram = { average: number; p50: number; p90: number; p99: number; max: number; total: number };
  export type Result = { latency: Histogram; requests: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number };
  /** A request as autocannon sends it; setupRequest may change it before each send. */
  export type RequestSpec = { method?: string; path?: string; body?: string; headers?: Record<string, string> };
  export type RequestTemplate = RequestSpec & { setupRequest?: (req: RequestSpec) => RequestSpec };
  export default function autocannon(options: {
    url: string; connections?: number; duration?: number; headers?: Record<string, string>; requests?: RequestTemplate[];
  }): Promise<Result>;
}
