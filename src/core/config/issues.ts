/** Validation results: every problem names the field, the bad value and what is allowed. */

export interface ConfigIssue {
  /** Dotted path of the field, e.g. "optimizer.lr" or "init.points[3]". */
  path: string;
  /** One line: what is wrong and what is allowed. */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('; '));
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Short, safe rendering of a user value for messages (never dumps huge inputs). */
export function show(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(s);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Collects issues while a config is read; each reader substitutes the default for a bad field. */
export class IssueSink {
  readonly issues: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}
