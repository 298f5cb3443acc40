// libdatachannel logs through one process-wide callback; route it into our JSON log, once.
import { initLogger } from 'node-datachannel';
import type { Logger } from '../log.js';

let installed = false;

export function installNdcLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  // node-datachannel 0.33 needs the callback, or it logs to stdout on its own.
  initLogger('Warning', (level, message) => {
    if (level === 'Warning') logger.warn('libdatachannel', { message });
    else if (level === 'Error' || level === 'Fatal') logger.error('libdatachannel', { message });
  });
}
