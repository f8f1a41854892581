// API types of the crisis area (#15): each staff member's alert settings.
import { z } from 'zod';

export const alertSettings = z
  .object({ sound: z.boolean().describe('play a sound when a new emergency arrives (off until the staff member turns it on)') })
  .strict();
