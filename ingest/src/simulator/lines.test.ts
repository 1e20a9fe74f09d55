import { describe, expect, it } from 'vitest';
import { cdrLine, cdrTime, ql } from './lines.ts';

// Each expected string follows the app_queue.c format string quoted in queue_log.md §3.
describe('queue_log line formatters', () => {
  it.each([
    ['QUEUESTART', ql.queueStart(1700000000), '1700000000|NONE|NONE|NONE|QUEUESTART|'],
    ['ADDMEMBER', ql.addMember(1700000001, '1700000001.4', '101', 'Local/201@from-queue/n'), '1700000001|1700000001.4|101|Local/201@from-queue/n|ADDMEMBER|'],
    ['REMOVEMEMBER', ql.removeMember(1700000002, '1700000002.9', '102', 'Local/202@from-queue/n'), '1700000002|1700000002.9|102|Local/202@from-queue/n|REMOVEMEMBER|'],
    ['PAUSE', ql.pause(1700000003, '101', 'Ana Pérez', 'Baño'), '1700000003|NONE|101|Ana Pérez|PAUSE|Baño'],
    ['UNPAUSE', ql.unpause(1700000004, '101', 'Ana Pérez'), '1700000004|NONE|101|Ana Pérez|UNPAUSE|'],
    ['ENTERQUEUE', ql.enterQueue(1700000010, '1700000005.12', '103', '71234567', 2), '1700000010|1700000005.12|103|NONE|ENTERQUEUE||71234567|2'],
    ['RINGNOANSWER', ql.ringNoAnswer(1700000025, '1700000005.12', '103', 'Luis Choque', 15000), '1700000025|1700000005.12|103|Luis Choque|RINGNOANSWER|15000'],
    ['RINGCANCELED', ql.ringCanceled(1700000026, '1700000005.12', '103', 'Luis Choque', 4321), '1700000026|1700000005.12|103|Luis Choque|RINGCANCELED|4321'],
    ['CONNECT', ql.connect(1700000030, '1700000005.12', '103', 'Luis Choque', 20, '1700000027.15', 3), '1700000030|1700000005.12|103|Luis Choque|CONNECT|20|1700000027.15|3'],
    ['COMPLETECALLER', ql.complete(1700000090, '1700000005.12', '103', 'Luis Choque', false, 20, 60, 2), '1700000090|1700000005.12|103|Luis Choque|COMPLETECALLER|20|60|2'],
    ['COMPLETEAGENT', ql.complete(1700000090, '1700000005.12', '103', 'Luis Choque', true, 20, 60, 2), '1700000090|1700000005.12|103|Luis Choque|COMPLETEAGENT|20|60|2'],
    ['BLINDTRANSFER', ql.blindTransfer(1700000091, '1700000005.12', '103', 'Luis Choque', '102', 'from-internal-xfer', 20, 61, 2), '1700000091|1700000005.12|103|Luis Choque|BLINDTRANSFER|102|from-internal-xfer|20|61|2'],
    ['ATTENDEDTRANSFER', ql.attendedTransfer(1700000092, '1700000005.12', '103', 'Luis Choque', '0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab', 20, 62, 2), '1700000092|1700000005.12|103|Luis Choque|ATTENDEDTRANSFER|BRIDGE|0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab|20|62|2'],
    ['ABANDON', ql.exit(1700000100, '1700000050.20', '101', 'ABANDON', 1, 3, 41), '1700000100|1700000050.20|101|NONE|ABANDON|1|3|41'],
    ['EXITWITHTIMEOUT', ql.exit(1700000350, '1700000050.20', '101', 'EXITWITHTIMEOUT', 2, 3, 300), '1700000350|1700000050.20|101|NONE|EXITWITHTIMEOUT|2|3|300'],
    ['EXITEMPTY', ql.exit(1700000052, '1700000050.20', '101', 'EXITEMPTY', 1, 1, 2), '1700000052|1700000050.20|101|NONE|EXITEMPTY|1|1|2'],
    ['EXITWITHKEY', ql.exitWithKey(1700000080, '1700000050.20', '101', '1', 1, 2, 30), '1700000080|1700000050.20|101|NONE|EXITWITHKEY|1|1|2|30'],
  ])('%s', (_verb, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('cdr_csv rows', () => {
  const base = {
    accountcode: '', src: '71234567', dst: '101', dcontext: 'ext-queues', clid: '"71234567" <71234567>',
    channel: 'PJSIP/troncal-0000001a', dstchannel: 'Local/201@from-queue-0000001b;1', lastapp: 'Queue', lastdata: '101,t,,,300',
    startS: 1700000000, answerS: 1700000000, endS: 1700000095, disposition: 'ANSWERED' as const, amaflags: 'DOCUMENTATION',
    uniqueid: '1700000000.7', userfield: '',
  };

  it('writes 18 columns, strings quoted with doubled quotes, integers bare, GMT times', () => {
    expect(cdrLine(base)).toBe(
      '"","71234567","101","ext-queues","""71234567"" <71234567>","PJSIP/troncal-0000001a","Local/201@from-queue-0000001b;1","Queue","101,t,,,300",' +
        '"2023-11-14 22:13:20","2023-11-14 22:13:20","2023-11-14 22:14:55",95,95,"ANSWERED","DOCUMENTATION","1700000000.7",""',
    );
  });

  it('writes a missing answer time as an empty unquoted field and billsec 0', () => {
    expect(cdrLine({ ...base, answerS: null, dstchannel: '', disposition: 'NO ANSWER', endS: 1700000040 })).toBe(
      '"","71234567","101","ext-queues","""71234567"" <71234567>","PJSIP/troncal-0000001a","","Queue","101,t,,,300",' +
        '"2023-11-14 22:13:20",,"2023-11-14 22:14:00",40,0,"NO ANSWER","DOCUMENTATION","1700000000.7",""',
    );
  });

  it('formats times as %Y-%m-%d %T in GMT', () => {
    expect(cdrTime(0)).toBe('1970-01-01 00:00:00');
    expect(cdrTime(1791205199)).toBe('2026-10-05 12:59:59');
  });
});
