/** Counters per operator, keyed by the operator's stable id: total / forwarded / dropped / dead, by reason. */
export interface OperatorCounters {
  total: number;
  forwarded: number;
  dropped: number;
  dead: number;
  reasons: Record<string, number>;
}

export class PipelineStats {
  readonly operators = new Map<string, OperatorCounters>();

  for(id: string): OperatorCounters {
    let c = this.operators.get(id);
    if (c === undefined) {
      c = { total: 0, forwarded: 0, dropped: 0, dead: 0, reasons: {} };
      this.operators.set(id, c);
    }
    return c;
  }

  reason(id: string, reason: string): void {
    const c = this.for(id);
    c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
  }

  toJSON(): Record<string, OperatorCounters> {
    return Object.fromEntries(this.operators);
  }
}
