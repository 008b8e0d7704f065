// The fault kit's arming: which calls of a command meet a fault (input, calls let through, how many), and counts.
import { describe, expect, it } from 'vitest';
import { SdkFaults, sesThrottled } from '../support/faults.ts';

const fault = { error: sesThrottled };

describe('an armed fault', () => {
  it('meets the matching calls after those it lets through, as many times as armed, then disarms', () => {
    const faults = new SdkFaults();
    const armed = faults.arm({
      service: 'ses',
      command: 'SendEmailCommand',
      when: (input) => input.to === 'a@example.com',
      skip: 1,
      times: 2,
      fault,
    });
    const send = (to: string) => faults.meet('ses', 'SendEmailCommand', { to });
    expect(send('b@example.com')).toBeUndefined();
    expect(send('a@example.com')).toBeUndefined();
    expect(send('a@example.com')).toBe(fault);
    expect(faults.meet('sfn', 'SendEmailCommand', { to: 'a@example.com' })).toBeUndefined();
    expect(send('a@example.com')).toBe(fault);
    expect(send('a@example.com')).toBeUndefined();
    expect(armed.hits).toBe(2);
    expect(faults.calls('ses', 'SendEmailCommand')).toBe(5);
  });

  it('meets every call when armed for Infinity, until disarmed', () => {
    const faults = new SdkFaults();
    const armed = faults.arm({ service: 'sfn', command: 'SendTaskSuccessCommand', times: Infinity, fault });
    for (let i = 0; i < 10; i++) expect(faults.meet('sfn', 'SendTaskSuccessCommand', {})).toBe(fault);
    armed.disarm();
    expect(faults.meet('sfn', 'SendTaskSuccessCommand', {})).toBeUndefined();
    expect(armed.hits).toBe(10);
  });
});
