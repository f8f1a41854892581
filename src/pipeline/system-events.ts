import { z } from 'zod';

/**
 * Events the desk itself puts in a person's queue (a counsellor joined or left, an idle intake,
 * a check-in that fell due): stored and processed in order with the person's own events. Its own
 * module so that the reminders and cases that write them need not import the pipeline that
 * reads them (which imports them back).
 */
export const systemEventSchema = z.object({ system: z.enum(['staffJoined', 'staffLeft', 'inactivity', 'checkIn']), channelUserId: z.string() });
export type SystemEvent = z.infer<typeof systemEventSchema>;
