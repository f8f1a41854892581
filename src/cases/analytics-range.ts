/** A reporting period: from inclusive, to exclusive (Kyoto weeks, see analytics.ts). */
export interface AnalyticsRange {
  from: Date;
  to: Date;
}
