/**
 * What the handlers may be configured with. Every event handler is split into `handleX(event)`, which passes
 * `defaultConfig()`, and `handleXImpl(event, config)`, so a test can run the same logic with another configuration.
 * Nothing here may change what the subgraph computes from a given chain except where a field says so.
 */
export class Config {
  /** Id of the Protocol singleton. */
  protocolId: string;
  /** Length in seconds of one DailyStat period (86400: UTC days). */
  secondsPerDay: i64;
  /** Percentile (bps) stored as `latencyP50` and `providerLatencyP50`. */
  lowPercentileBps: i32;
  /** Percentile (bps) stored as `latencyP90` and `providerLatencyP90`. */
  highPercentileBps: i32;

  constructor(protocolId: string, secondsPerDay: i64, lowPercentileBps: i32, highPercentileBps: i32) {
    this.protocolId = protocolId;
    this.secondsPerDay = secondsPerDay;
    this.lowPercentileBps = lowPercentileBps;
    this.highPercentileBps = highPercentileBps;
  }
}

/** The configuration deployed subgraphs use. */
export function defaultConfig(): Config {
  return new Config("agora", 86400, 5000, 9000);
}
