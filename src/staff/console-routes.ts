import { STAFF_ROLES } from './accounts.js';
import { loadAnswerLabels } from '../cases/intake-labels.js';
import * as api from './contract.js';
import { operation, type Operation } from './operations.js';

/** What the console reads once at start: the parts of the label catalogue that are data. */
export function consoleOperations(): Operation[] {
  return [
    operation({
      method: 'get',
      path: '/labels',
      tag: 'reference',
      roles: STAFF_ROLES,
      summary: 'Japanese names of intake questions and answers, from the flow files (the rest of the label catalogue is built into the console)',
      response: api.labelsResponse,
      handle: async () => ({ intake: (await loadAnswerLabels()).table }),
    }),
  ];
}
