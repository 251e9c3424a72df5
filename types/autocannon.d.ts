// The parts of autocannon 9 the benchmarks use (the package ships no types).
declare module 'autocannon' {
  type Histogram = { average: number; p50: number; p90: number; p99: number; max: number };
  export type Result = { latency: Histogram; requests: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number };
  export default function autocannon(options: { url: string; connections?: number; duration?: number; headers?: Record<string, string> }): Promise<Result>;
}
