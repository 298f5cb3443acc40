import type { SessionStatus } from '../../shared/api.js';
import { STATUS_LABELS } from './format.js';

const STATUS_STYLES: Record<SessionStatus, string> = {
  active: 'border-amber-400/50 text-amber-200',
  completed: 'border-emerald-500/40 text-emerald-200',
  abandoned: 'border-stone-600 text-stone-300',
};

export function StatusBadge({ status }: { status: SessionStatus }) {
  return (
    <span
      data-status={status}
      className={`rounded-full border px-2.5 py-0.5 text-xs font-medium uppercase tracking-wider ${STATUS_STYLES[status]}`}
    >
      {STATUS_LABELS[status]}
    </span>
  );
}
