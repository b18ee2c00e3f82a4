/**
 * Fault knobs: answer the next N API requests with 429/503 (optionally only matching ones), add latency
 * to every API request, make the next operation fail. Control endpoints are never affected.
 */
export interface FaultMatch {
  method?: string;
  /** Tested against the path below `/compute/v1/`. */
  path?: RegExp;
}

export interface OperationFault {
  message: string;
  code: string;
}

interface PendingFailure {
  status: 429 | 503;
  match: FaultMatch | undefined;
}

export class Faults {
  /** Added to every API request before it is handled. */
  latencyMs = 0;
  private readonly failures: PendingFailure[] = [];
  private readonly operationFaults: OperationFault[] = [];

  failNext(count: number, status: 429 | 503, match?: FaultMatch): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, match });
  }

  /** The next operation created ends DONE with this error (QUOTA_EXCEEDED by default, as in §2.2). */
  failNextOperation(message: string, code = 'QUOTA_EXCEEDED'): void {
    this.operationFaults.push({ message, code });
  }

  /** Consumes the first pending failure that applies to this request. */
  takeFailure(method: string, path: string): 429 | 503 | undefined {
    const index = this.failures.findIndex(({ match }) => (!match?.method || match.method === method) && (!match?.path || match.path.test(path)));
    if (index < 0) return undefined;
    const [failure] = this.failures.splice(index, 1);
    return failure?.status;
  }

  takeOperationFault(): OperationFault | undefined {
    return this.operationFaults.shift();
  }

  reset(): void {
    this.latencyMs = 0;
    this.failures.length = 0;
    this.operationFaults.length = 0;
  }
}
