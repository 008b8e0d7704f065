// A subject's notices (a shipment, an overdue reminder) sent once each, however often the step that sends them runs.
import { DomainError } from '../errors.ts';
import type { SubjectMailer } from '../mail-outbox.ts';
import type { OutgoingMail } from '../mailer.ts';
import type { Subject } from './subject.ts';
import type { Workflow } from './workflow.ts';

const attempts = 3;

/**
 * Sends `mails` once for `key` (`shipped`, `new-date:2027-03-01`) and records it on the subject; a retried or redriven
 * step finds the key and sends nothing; either way the answer is the key. The mail goes before the record, so a crash between the two sends it again
 * rather than never. `mails` are made only when they are to be sent.
 */
export async function tellOnce<S extends Subject, D>(
  workflow: Workflow<S, D>,
  deps: D,
  mailer: SubjectMailer,
  subject: S,
  key: string,
  mails: (subject: S) => Promise<OutgoingMail[]>,
): Promise<{ told: string }> {
  if (subject.told?.includes(key)) return { told: key };
  const sent = await mails(subject);
  for (const mail of sent) await mailer.send(mail, { subjectId: subject.id, workflow: workflow.slug });
  let current = subject;
  for (let attempt = 1; ; attempt++) {
    try {
      await workflow.subjects(deps).save({ ...current, told: [...(current.told ?? []), key] });
      return { told: key };
    } catch (error) {
      // Another step saved the subject meanwhile (a parallel branch): record the key on what it saved.
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt === attempts) throw error;
      const fresh = await workflow.subjects(deps).get(subject.id);
      if (!fresh) throw error;
      if (fresh.told?.includes(key)) return { told: key };
      current = fresh;
    }
  }
}
